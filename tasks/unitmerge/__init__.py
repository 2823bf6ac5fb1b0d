"""Merging two units that turn out to be one: the page lives here, above `departments`,
because the merge moves the tasks' assignments, reports and urgings (`workflow.unit_merge`)."""
