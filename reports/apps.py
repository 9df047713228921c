from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        # assessments may not import reports, so assessment_finalise announces a finalise
        # with a signal it sends explicitly, and reports listens here (see reports.receivers).
        from assessments.signals import assessment_finalised
        from reports.receivers import render_finalised_reports

        assessment_finalised.connect(
            render_finalised_reports, dispatch_uid="reports.render_finalised_reports"
        )
