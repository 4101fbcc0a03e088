"""The composite-indicator engine (pure Python: numpy/pandas, no Django).

COINr-compatible data model (iData + iMeta), a declared, replayable pipeline of steps (denominate,
impute, screen, treat, normalise, weights, aggregate) keeping every intermediate data set, results
(scores, ranks, contributions, strengths and weaknesses, changes, balance) and robustness analysis
(Monte-Carlo uncertainty, Sobol indices via SALib, drop-one-element). See docs/index-engine.md.

    from puhui.engines.index import Pipeline
    pipe = Pipeline.from_file("spec.yaml")
    idata, imeta = pipe.load_data()
    result = pipe.run(idata, imeta)
    result.results_table(); result.write("out/")
"""

from .errors import (
    AHPInconsistentError,
    CycleError,
    DataError,
    EmptyUnitError,
    IndexEngineError,
    IndexInputError,
    InputProblems,
    LevelError,
    MetadataError,
    MethodDomainError,
    MissingColumnError,
    MissingParentError,
    SpecError,
    UnknownColumnError,
    WeightSumError,
)
from .model import Framework, prepare_data
from .pipeline import Pipeline, Result, load_spec, run_spec
from .robustness import drop_one, sensitivity, uncertainty
from .weights import ahp

__all__ = [
    "AHPInconsistentError",
    "CycleError",
    "DataError",
    "EmptyUnitError",
    "Framework",
    "IndexEngineError",
    "IndexInputError",
    "InputProblems",
    "LevelError",
    "MetadataError",
    "MethodDomainError",
    "MissingColumnError",
    "MissingParentError",
    "Pipeline",
    "Result",
    "SpecError",
    "UnknownColumnError",
    "WeightSumError",
    "ahp",
    "drop_one",
    "load_spec",
    "prepare_data",
    "run_spec",
    "sensitivity",
    "uncertainty",
]
