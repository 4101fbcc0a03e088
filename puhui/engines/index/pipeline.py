"""A pipeline: a declared list of steps with parameters (YAML or JSON), replayable and logged.

    name: ESI
    data:
      idata: {path: ESI_COINr_input.xlsx, sheet: iData}
      imeta: {path: ESI_COINr_input.xlsx, sheet: iMeta}
    steps:
      - treat: {}
      - normalise: {method: minmax, l_u: [0, 100]}
      - aggregate: {method: amean}

Every step reads a data set (`dset`, default the previous step's output) and writes one (`write_to`,
default COINr's names: Denominated, Imputed, Screened, Treated, Normalised, Aggregated); every data
set is kept. A `weights` step makes a weight set (and by default makes it the active one). Steps are
addressed by `id` (default: their kind) so a parameter can be changed for a rerun
(`"normalise.method"`), which is how the uncertainty analysis varies its choices.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import aggregate as agg
from . import normalise as norm
from . import prepare, treat
from . import weights as wts
from .errors import SpecError
from .model import Framework, TimeBlocks, prepare_data

STEP_KINDS = ("denominate", "impute", "screen", "treat", "normalise", "weights", "aggregate")
DEFAULT_OUT = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}
META_KEYS = ("id", "dset", "write_to")


@dataclass
class Step:
    kind: str
    id: str
    params: dict
    dset: str | None = None
    write_to: str | None = None

    def to_dict(self) -> dict:
        d = {k: v for k, v in (("id", self.id), ("dset", self.dset), ("write_to", self.write_to)) if v}
        return {self.kind: {**d, **copy.deepcopy(self.params)}}


def load_spec(path: str | Path) -> dict:
    p = Path(path)
    if not p.exists():
        raise SpecError(f"找不到流程配置文件：{p}")
    text = p.read_text(encoding="utf-8")
    if p.suffix.lower() == ".json":
        spec = json.loads(text)
    else:
        import yaml

        spec = yaml.safe_load(text)
    if not isinstance(spec, dict):
        raise SpecError("流程配置文件应为一个映射（键值对）")
    spec.setdefault("_base_dir", str(p.resolve().parent))
    return spec


def _parse_steps(raw) -> list[Step]:
    if not isinstance(raw, list) or not raw:
        raise SpecError("流程配置缺少 steps（步骤列表）")
    steps: list[Step] = []
    for i, item in enumerate(raw, 1):
        if isinstance(item, str):
            item = {item: {}}
        if not isinstance(item, dict):
            raise SpecError(f"第 {i} 个步骤格式不对，应为“步骤名: 参数”")
        if "step" in item:
            kind = item["step"]
            params = {k: v for k, v in item.items() if k != "step"}
        elif len(item) == 1:
            kind, params = next(iter(item.items()))
            params = dict(params or {})
        else:
            raise SpecError(f"第 {i} 个步骤格式不对，应为“步骤名: 参数”")
        if kind not in STEP_KINDS:
            raise SpecError(f"第 {i} 个步骤“{kind}”不认识，可用的步骤：{'、'.join(STEP_KINDS)}")
        sid = params.pop("id", None) or kind
        if any(s.id == sid for s in steps):
            raise SpecError(f"步骤 id“{sid}”重复：同一种步骤出现多次时请用 id 区分")
        steps.append(Step(kind, sid, params, params.pop("dset", None), params.pop("write_to", None)))
    return steps


def read_table(ref, base: Path, what: str) -> pd.DataFrame:
    if isinstance(ref, pd.DataFrame):
        return ref
    if isinstance(ref, str):
        ref = {"path": ref}
    path = Path(ref["path"])
    if not path.is_absolute():
        path = base / path
    if not path.exists():
        raise SpecError(f"找不到{what}文件：{path}")
    suf = path.suffix.lower()
    if suf in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, sheet_name=ref.get("sheet", 0), engine="calamine")
    if suf == ".json":
        return pd.read_json(path)
    return pd.read_csv(path, encoding=ref.get("encoding", "utf-8-sig"))


class Pipeline:
    def __init__(self, spec: dict):
        self.spec = copy.deepcopy(spec)
        self.name = spec.get("name", "index")
        self.steps = _parse_steps(spec.get("steps"))

    @classmethod
    def from_file(cls, path) -> Pipeline:
        return cls(load_spec(path))

    # ---- data ----------------------------------------------------------------------------
    def data_base(self, data_dir=None) -> Path:
        if data_dir is not None:
            return Path(data_dir)
        base = Path(self.spec.get("_base_dir", "."))
        dd = self.spec.get("data_dir")
        return (base / dd) if dd else base

    def load_data(self, data_dir=None, idata=None, imeta=None) -> tuple[pd.DataFrame, pd.DataFrame]:
        data = self.spec.get("data") or {}
        base = self.data_base(data_dir)
        i_ref = idata if idata is not None else data.get("idata")
        m_ref = imeta if imeta is not None else data.get("imeta")
        if i_ref is None or m_ref is None:
            raise SpecError("流程配置没有给出数据文件（data.idata 与 data.imeta），命令行也没有指定")
        return read_table(i_ref, base, "单位数据"), read_table(m_ref, base, "指标元数据")

    # ---- editing ---------------------------------------------------------------------------
    def step(self, sid: str) -> Step:
        for s in self.steps:
            if s.id == sid:
                return s
        raise SpecError(f"流程中没有 id 为“{sid}”的步骤")

    def with_values(self, values: dict[str, object]) -> Pipeline:
        """A copy with parameters replaced: {"normalise.method": "zscore", "aggregate": {...}}."""
        new = copy.deepcopy(self)
        for address, value in values.items():
            sid, _, rest = address.partition(".")
            st = new.step(sid)
            if not rest:
                if not isinstance(value, dict):
                    raise SpecError(f"地址“{address}”指向整个步骤，取值须为参数表")
                st.params = copy.deepcopy(value)
                continue
            keys = rest.split(".")
            d = st.params
            for k in keys[:-1]:
                d = d.setdefault(k, {})
            d[keys[-1]] = copy.deepcopy(value)
        return new

    def to_spec(self) -> dict:
        out = {k: v for k, v in self.spec.items() if k not in ("steps",) and not k.startswith("_")}
        out["steps"] = [s.to_dict() for s in self.steps]
        return out

    # ---- running ---------------------------------------------------------------------------
    def run(
        self,
        idata: pd.DataFrame,
        imeta: pd.DataFrame,
        *,
        until: str | None = None,
        framework: Framework | None = None,
    ) -> Result:
        fw = framework or Framework.from_meta(imeta)
        t0 = time.perf_counter()
        raw = prepare_data(idata, fw)
        res = Result(framework=fw, pipeline=self, has_time=bool(raw.attrs.get("has_time")))
        res.datasets["Raw"] = raw
        res.weight_sets["Original"] = dict(fw.weight)
        res.weights = dict(fw.weight)
        res.log.append(
            {"step": "load", "output": "Raw", "rows_out": len(raw), "seconds": time.perf_counter() - t0}
        )
        current = "Raw"
        for st in self.steps:
            if until is not None and st.id == until:
                break
            src = st.dset or current
            if src not in res.datasets:
                raise SpecError(
                    f"步骤“{st.id}”要读取的数据集“{src}”不存在（已有：{'、'.join(res.datasets)}）"
                )
            df = res.datasets[src]
            t = time.perf_counter()
            entry = {
                "step": st.kind,
                "id": st.id,
                "input": src,
                "params": copy.deepcopy(st.params),
                "rows_in": len(df),
            }
            out_name = st.write_to or DEFAULT_OUT.get(st.kind)
            if st.kind == "weights":
                name = st.params.get("name", st.params.get("method", "original"))
                w, table = wts.compute_weights(st.params, fw, df, TimeBlocks(df["Time"]), res.weights)
                res.weight_sets[name] = w
                if st.params.get("activate", True):
                    res.weights = w
                if len(table):
                    res.analysis[f"Weights.{name}"] = table
                entry.update(output=None, weight_set=name)
            else:
                out = self._run_step(st, df, fw, res)
                res.datasets[out_name] = out
                current = out_name
                entry.update(output=out_name, rows_out=len(out))
            entry["seconds"] = time.perf_counter() - t
            res.log.append(entry)
        res.current = current
        return res

    def _run_step(self, st: Step, df: pd.DataFrame, fw: Framework, res: Result) -> pd.DataFrame:
        p = st.params
        name = st.write_to or DEFAULT_OUT[st.kind]
        if st.kind == "denominate":
            out, table = prepare.denominate(df, fw, p)
            res.analysis[f"{name}.Denominators"] = table
        elif st.kind == "impute":
            out, table = prepare.impute(df, fw, p)
            res.analysis[f"{name}.Summary"] = table
        elif st.kind == "screen":
            out, table = prepare.screen(df, fw, p)
            res.analysis[f"{name}.DataSummary"] = table
            removed = table.loc[~table["Included"], ["uCode", "Time"]]
            res.analysis[f"{name}.RemovedUnits"] = removed.reset_index(drop=True)
            if out.empty:
                raise SpecError("按数据可得性筛选后没有剩下任何单位，请放宽 dat_thresh")
        elif st.kind == "treat":
            out, table, points = treat.treat_panel(df, fw.indicators, TimeBlocks(df["Time"]), p)
            res.analysis[f"{name}.Dets_Table"] = table
            res.analysis[f"{name}.Treated_Points"] = points
        elif st.kind == "normalise":
            out, table = norm.normalise_panel(df, fw, TimeBlocks(df["Time"]), p)
            res.analysis[f"{name}.Params"] = table
        elif st.kind == "aggregate":
            out = aggregate_dataset(df, fw, p, res)
        else:  # pragma: no cover - guarded by _parse_steps
            raise SpecError(st.kind)
        return out


def resolve_weights(p: dict, res: Result) -> dict[str, float]:
    wname = p.get("weights")
    if wname is None:
        return res.weights
    if isinstance(wname, dict):
        return {**res.weights, **{k: float(v) for k, v in wname.items()}}
    if wname not in res.weight_sets:
        raise SpecError(f"权重集“{wname}”不存在（已有：{'、'.join(res.weight_sets)}）")
    return res.weight_sets[wname]


def aggregate_dataset(df: pd.DataFrame, fw: Framework, p: dict, res: Result) -> pd.DataFrame:
    extra = set(p) - {"method", "params", "dat_thresh", "weights"}
    if extra:
        raise SpecError(f"聚合步骤不认识参数：{'、'.join(sorted(extra))}")
    plan = agg.level_plan(fw, p)
    tree = agg.Tree(fw)
    w = resolve_weights(p, res)
    X = df[fw.indicators].to_numpy(dtype=float)[None]
    vals = tree.run(X, tree.weight_vector(w)[None], plan, units=list(df["uCode"]))
    out = df.copy()
    new = pd.DataFrame({c: vals[c][0] for c in fw.aggregates}, index=df.index)
    out = pd.concat([out.drop(columns=[c for c in fw.aggregates if c in out.columns]), new], axis=1)
    res.plan = plan
    res.agg_weights = dict(w)
    return out


@dataclass
class Result:
    framework: Framework
    pipeline: Pipeline
    has_time: bool = False
    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)
    analysis: dict[str, pd.DataFrame] = field(default_factory=dict)
    weight_sets: dict[str, dict] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    log: list[dict] = field(default_factory=list)
    current: str = "Raw"
    plan: list[dict] | None = None
    agg_weights: dict[str, float] | None = None

    @property
    def aggregated(self) -> pd.DataFrame:
        if self.plan is None:
            raise SpecError("流程中没有聚合（aggregate）步骤，无法给出指数结果")
        for name in reversed(list(self.datasets)):
            if set(self.framework.aggregates) <= set(self.datasets[name].columns):
                return self.datasets[name]
        raise SpecError("找不到聚合后的数据集")

    def score_codes(self) -> list[str]:
        fw = self.framework
        return [c for lev in range(fw.maxlev, 0, -1) for c in fw.codes_at(lev)]

    def results_table(self) -> pd.DataFrame:
        """uCode, uName, Time, one column per aggregate and indicator score, then their ranks in the period."""
        from .results import results_table

        return results_table(self)

    def tables(self) -> dict[str, pd.DataFrame]:
        from .results import all_tables

        return all_tables(self)

    def write(self, out_dir) -> list[Path]:
        from .results import write_outputs

        return write_outputs(self, Path(out_dir))


def run_spec(spec_path, *, data_dir=None, idata=None, imeta=None) -> Result:
    pipe = Pipeline.from_file(spec_path)
    i, m = pipe.load_data(data_dir, idata, imeta)
    return pipe.run(i, m)


def jsonable(o):
    if isinstance(o, dict):
        return {str(k): jsonable(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [jsonable(v) for v in o]
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, float) and np.isnan(o):
        return None
    return o
