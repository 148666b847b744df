"""Every change to the data: each workflow runs in one transaction and is audited.

Bottom up: `errors` (the one refusal type and its message table), `audit` (the
audit log), `revision` (the frozen check, the new revision, voided signatures),
`reports` (a report's PDF and status), then the workflows: `workshops`, `items`,
`facilitation`, `signoff`, and on top `people`, `transfer` and `quarters`. A
module imports only those below it (pyproject.toml holds the order).
"""
