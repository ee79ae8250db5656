"""The dataflow document's checklist as Gherkin: one generated .feature file per flow.

    talkqa features generate fixtures/dataflows/salesforce-to-crmoffice.rst
    talkqa features check fixtures/dataflows/salesforce-to-crmoffice.rst

phrases.py is the closed list of step phrases (see STEPS.md), scenarios.py the checklist as data,
gherkin.py the text, files.py the folder on disk, commands.py the CLI.
"""
