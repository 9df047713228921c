from django.views.debug import SafeExceptionReporterFilter


class HealthDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports never carry what people typed: every POST value and every local
    variable of the failing frames is replaced, since any of them may hold health notes."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
