"""Excel in and out: the 任务分解表 import/export and the task-list download."""
