"""The sample web: a seeded generator of fictional safeguarding-board web sites and a loopback
server for them, used by the demo, the tests and ``scr eval`` (its manifest is the ground truth).

Entry points: :func:`sampleweb.generate.generate`, :func:`sampleweb.generate.ensure` and
:class:`sampleweb.serve.SampleWeb`; ``python -m sampleweb`` on the command line.
"""
