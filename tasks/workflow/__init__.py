"""A task's life: the list, the page, editing, 签收, progress, review, closing, urging, extensions."""
