"""Coordination's writes that other apps may start: the one public entry into its services.

Other apps read coordination through its models, enums, permissions and selectors, and never call
its services directly (`pyproject.toml`, the import contracts). A few writes belong to coordination
but are started from another app's page; they are re-exported here, so there is still one way to
do each job and the import rules name the exception once:

- `task_create`: the one way to create a readiness task (validated, with the readiness version
  raised by the task's post_save signal). The kerawanan register creates mitigation tasks with it.
  With `actor` set it checks coordination's own rule (KPU staff of the task's region). A caller
  whose own predicate allows someone else (the liaison of the agency owning a risk) passes
  `actor=None`, a system write, and names that person in `created_by`.
- `task_status_update`: the one way to change a task's status, progress and note (its history
  entry, the row lock, `can_update_task`, the readiness version). The integration API's status
  update calls it, so a system's update is the same as a liaison's on the task page.
"""

from coordination.services.readiness import task_create, task_status_update

__all__ = ["task_create", "task_status_update"]
