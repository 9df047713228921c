"""The assessment form: a header form plus one block per catalogue pattern.

Each pattern block has its own prefix (`p<pattern pk>-`), so each error sits by
its field; see `blocks.py` for why a block is not a Django `Form`.
"""

from assessments.forms.assessment import AssessmentForm, RegionBlocks, new_pattern_block
from assessments.forms.blocks import PATTERN_SIDES, PatternBlockForm
from assessments.forms.header import EARLIEST_SESSION_DATE, AssessmentHeaderForm

__all__ = [
    "EARLIEST_SESSION_DATE",
    "PATTERN_SIDES",
    "AssessmentForm",
    "AssessmentHeaderForm",
    "PatternBlockForm",
    "RegionBlocks",
    "new_pattern_block",
]
