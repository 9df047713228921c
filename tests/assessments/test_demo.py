from assessments.demo import SESSIONS, load_assessments
from assessments.models import Assessment
from assessments.progress import Change, client_progress
from tests import factories


def test_demo_clients_get_sessions_that_show_progress_once(db):
    trainer = factories.TrainerFactory(username="trainer")
    second = factories.TrainerFactory(username="trainer2")
    clients = [factories.ClientFactory(trainer=trainer), factories.ClientFactory(trainer=second)]
    archived = factories.ClientFactory(trainer=trainer, is_archived=True)
    stranger = factories.ClientFactory()

    assert load_assessments() == SESSIONS * 2
    assert load_assessments() == 0

    for client in clients:
        assessments = Assessment.objects.filter(client=client)
        assert assessments.count() == SESSIONS
        assert assessments.filter(status="draft").count() == 1
        assert set(assessments.values_list("trainer", flat=True)) == {client.trainer_id}
        progress = client_progress(client, include_drafts=True)
        assert progress.patterns
        assert all(item.change == Change.BETTER for item in progress.patterns if item.first)
        assert progress.muscles and any(not m.latest for m in progress.muscles)
    assert not Assessment.objects.filter(client__in=[archived, stranger]).exists()
