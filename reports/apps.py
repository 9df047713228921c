from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        # assessments, plans and the catalogue may not import reports, so their services announce
        # a finalise, a change to what a client's plan holds and a catalogue change with signals they send
        # explicitly, and reports listens here (see reports.receivers).
        from assessments.signals import assessment_finalised
        from imbalances.signals import catalogue_updated
        from plans.signals import plan_changed
        from reports.receivers import (
            render_after_catalogue_change,
            render_finalised_reports,
            render_plan_reports,
        )

        assessment_finalised.connect(
            render_finalised_reports, dispatch_uid="reports.render_finalised_reports"
        )
        plan_changed.connect(render_plan_reports, dispatch_uid="reports.render_plan_reports")
        catalogue_updated.connect(
            render_after_catalogue_change, dispatch_uid="reports.render_after_catalogue_change"
        )
