"""The scorecard engine (pure Python: numpy/pandas; optbinning and scikit-learn only for training).

* `Scorecard` — a versioned points table (expert config or trained model), scored in plain numpy;
* `train_scorecard` — optimal monotonic binning, WOE logistic regression, points scaling and a
  validation report (training needs optbinning);
* `payment_features` — characteristics from monthly payment aggregates.

No Django import. See docs/scoring.md.

    from puhui.engines.scoring import Scorecard, default_config_path
    card = Scorecard.from_file(default_config_path())
    result = card.score(dataframe)
    result.to_frame()
"""

from pathlib import Path

from .errors import ConfigError, DataError, ForbiddenCharacteristicError, ScoringError
from .policy import forbidden_category
from .scorecard import Scorecard, ScoreResult

CONFIG_DIR = Path(__file__).resolve().parent / "configs"


def default_config_path() -> Path:
    """The shipped default expert scorecard for rural households."""
    return CONFIG_DIR / "rural-household-default.yaml"


def train_scorecard(*args, **kwargs):
    """See `puhui.engines.scoring.train.train_scorecard` (imported lazily: it needs optbinning)."""
    from .train import train_scorecard as _train

    return _train(*args, **kwargs)


def payment_features(*args, **kwargs):
    from .payments import payment_features as _pf

    return _pf(*args, **kwargs)


__all__ = [
    "ConfigError",
    "DataError",
    "ForbiddenCharacteristicError",
    "ScoreResult",
    "Scorecard",
    "ScoringError",
    "default_config_path",
    "forbidden_category",
    "payment_features",
    "train_scorecard",
]
