"""Stored files follow their rows, and cached readiness figures follow the tasks.

Stored files: when a document or a history entry with evidence is deleted
(by a service, the admin or a cascade from its meeting or task), its file is removed after the
commit. A signal rather than a service, because cascades never pass through a service."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from coordination.models import MeetingDocument, ReadinessTask, TaskUpdate
from coordination.readiness_version import readiness_changed
from coordination.services.files import stored_file_delete_after_commit


@receiver(post_delete, sender=MeetingDocument, dispatch_uid="meeting_document_file_cleanup")
def _meeting_document_deleted(sender, instance: MeetingDocument, **kwargs) -> None:
    stored_file_delete_after_commit(instance.file)


@receiver(post_delete, sender=TaskUpdate, dispatch_uid="task_update_evidence_cleanup")
def _task_update_deleted(sender, instance: TaskUpdate, **kwargs) -> None:
    stored_file_delete_after_commit(instance.evidence_file)


# Every saved or deleted task raises the readiness version, whoever wrote it: the task services
# (create, update, status update, imports), the admin (edits and deletions), or a cascade. Bulk
# creation sends no signal; `checklist_stamp` raises the version itself.
@receiver(post_save, sender=ReadinessTask, dispatch_uid="readiness_task_saved_version")
@receiver(post_delete, sender=ReadinessTask, dispatch_uid="readiness_task_deleted_version")
def _readiness_task_changed(sender, instance: ReadinessTask, **kwargs) -> None:
    readiness_changed()
