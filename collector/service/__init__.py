"""The collector's logic between HTTP and storage: what a request may ask for
and why it is refused, without knowing whether it came as JSON, a form or a
command line. It raises `collector.service.errors`; `api/`, `dashboard/` and
`admin/` translate those into their own answers.
"""
