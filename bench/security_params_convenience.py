"""Path parameters and cross-tenant writes of the 便民服务 apps (#19: stations, merchants, cash, insurance,
finder) for bench/bench_security.py. In scope = in the app's own access querysets (each app's `access.py` is the
only road to its rows), narrowed where a page also asks a `may_*` rule, so that an answer for an id outside
counts as a leak."""

import datetime
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef
from django.urls import reverse
from PIL import Image

from puhui.cash import access as cash_access
from puhui.cash.models import Booking, CashPoint, Recipient
from puhui.cash.models import Warning as CashWarning
from puhui.core.models import Division, Organisation, ServicePoint, User
from puhui.finder import access as finder_access
from puhui.finder.models import Article
from puhui.insurance import access as insurance_access
from puhui.insurance.models import Product
from puhui.merchants import access as merchant_access
from puhui.merchants.models import Merchant, MonthlyFigure
from puhui.stations import access as station_access
from puhui.stations.models import Inspection, InspectionPhoto, StationAgent


def _only_if(may, fn):
    """`fn(user)` for a user the `may` rule lets act, else nothing: the page answers 404 to the others."""
    return lambda user: fn(user) if may(user) else fn(user).none()


def _station_params(IdParam, scope) -> dict:
    inspections = station_access.inspections_for
    photos = IdParam(
        InspectionPhoto,
        scope(
            lambda u: InspectionPhoto.objects.filter(inspection__in=inspections(u).values("pk")),
            InspectionPhoto,
        ),
    )
    return {
        "stations:offer_edit": {
            "pk": IdParam(
                Organisation,
                scope(station_access.offer_banks_for, Organisation),
                base=station_access.county_banks(),  # out of scope: another county bank, not any organisation
            )
        },
        "stations:inspection_detail": {"pk": IdParam(Inspection, scope(inspections, Inspection))},
        "stations:inspection_rectify": {
            "pk": IdParam(Inspection, scope(_only_if(station_access.may_report, inspections), Inspection))
        },
        "stations:photo": {"pk": photos},
        "stations:agent_end": {
            "pk": IdParam(
                StationAgent,
                scope(_only_if(station_access.may_report, station_access.agents_for), StationAgent),
            )
        },
    }


def _merchant_params(IdParam, scope) -> dict:
    def editable(user):
        return merchant_access.merchants_for(user).filter(
            pk__in=merchant_access.editable_merchants(user).values("pk")
        )

    def editable_figures(user):
        return merchant_access.figures_for(user).filter(merchant__in=editable(user).values("pk"))

    keep = IdParam(Merchant, scope(editable, Merchant))
    return {
        "merchants:merchant_detail": {
            "pk": IdParam(Merchant, scope(merchant_access.merchants_for, Merchant))
        },
        "merchants:merchant_edit": {"pk": keep},
        "merchants:figure_add": {"pk": keep},
        "merchants:figure_edit": {"pk": IdParam(MonthlyFigure, scope(editable_figures, MonthlyFigure))},
    }


def _cash_params(IdParam, scope) -> dict:
    def own_bank(qs, user):
        bank = cash_access.bank_of(user)
        return qs.filter(bank__path__startswith=bank.path) if bank is not None else qs.none()

    def editable_points(user):
        points = cash_access.points_for(user)
        return points if cash_access.is_office(user) else own_bank(points, user)

    def handled_bookings(user):
        return own_bank(cash_access.bookings_for(user), user)

    warnings = cash_access.warnings_for
    return {
        "cash:point_detail": {"pk": IdParam(CashPoint, scope(cash_access.points_for, CashPoint))},
        "cash:point_edit": {"pk": IdParam(CashPoint, scope(editable_points, CashPoint))},
        "cash:warning_detail": {"pk": IdParam(CashWarning, scope(warnings, CashWarning))},
        "cash:warning_acknowledge": {
            "pk": IdParam(CashWarning, scope(_only_if(cash_access.may_acknowledge, warnings), CashWarning))
        },
        "cash:booking_detail": {"pk": IdParam(Booking, scope(cash_access.bookings_for, Booking))},
        **{
            f"cash:{name}": {"pk": IdParam(Booking, scope(handled_bookings, Booking))}
            for name in ("booking_confirm", "booking_refuse")
        },
    }


def _insurance_params(IdParam, scope) -> dict:
    def editable(user):
        qs = insurance_access.products_for(user)
        if insurance_access.is_office(user):
            return qs
        insurer = insurance_access.insurer_of(user)
        return qs.filter(insurer=insurer) if insurer is not None else qs.none()

    return {
        "insurance:product_detail": {"pk": IdParam(Product, scope(insurance_access.products_for, Product))},
        "insurance:product_edit": {"pk": IdParam(Product, scope(editable, Product))},
    }


def _finder_params(IdParam, scope) -> dict:
    writable = _only_if(finder_access.may_write, lambda u: Article.objects.all())
    return {
        "finder:article": {"pk": IdParam(Article, scope(finder_access.articles_for, Article))},
        **{
            f"finder:{name}": {"pk": IdParam(Article, scope(writable, Article))}
            for name in ("article_edit", "article_publish")
        },
    }


def convenience_params(IdParam, scope, ChoiceParam) -> dict:
    """URL name → {parameter: IdParam} for the five apps, built with bench_security's IdParam and scope()."""
    return {
        **_station_params(IdParam, scope),
        **_merchant_params(IdParam, scope),
        **_cash_params(IdParam, scope),
        **_insurance_params(IdParam, scope),
        **_finder_params(IdParam, scope),
    }


# ------------------------------------------------------------------------------------------ cross-tenant writes


def _jpeg() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return SimpleUploadedFile("bench.jpg", out.getvalue(), content_type="image/jpeg")


def _csv(code: str, month: str) -> SimpleUploadedFile:
    text = f"商户编号,月份,笔数（笔）,金额（元）\n{code},{month},1,1\n"
    return SimpleUploadedFile("bench.csv", text.encode(), content_type="text/csv")


def _last_month() -> str:
    first = datetime.date.today().replace(day=1)
    return f"{first - datetime.timedelta(days=1):%Y-%m}"


def _object_writes(bank, insurer_user, foreign) -> list:
    """(user, URL name, ids of objects the user must not touch, body): each POST must answer 404."""
    own = bank.organisation.path
    today = datetime.date.today().isoformat()
    mine = Recipient.objects.filter(warning=OuterRef("pk"), bank__path__startswith=own)
    other_bookings = foreign(Booking.objects.exclude(bank__path__startswith=own))
    cases = [
        ("stations:offer_edit", station_access.county_banks().exclude(path__startswith=own),
         {"functions": ["withdrawal"]}),
        ("stations:inspection_rectify", Inspection.objects.exclude(point__bank__path__startswith=own),
         {"on": today, "note": "整改完成"}),
        ("stations:agent_end", StationAgent.objects.exclude(point__bank__path__startswith=own), {"on": today}),
        ("merchants:merchant_edit", Merchant.objects.exclude(bank__path__startswith=own), {"name": "商户"}),
        ("merchants:figure_add", Merchant.objects.exclude(bank__path__startswith=own),
         {"month": _last_month(), "transactions": "1", "amount": "1"}),
        ("merchants:figure_edit", MonthlyFigure.objects.exclude(merchant__bank__path__startswith=own),
         {"transactions": "1", "amount": "1"}),
        ("cash:point_edit", CashPoint.objects.exclude(bank__path__startswith=own), {"name": "现金服务点"}),
        ("cash:booking_confirm", other_bookings, {"confirm-day": today, "confirm-time": "11:00"}),
        ("cash:booking_refuse", other_bookings, {"refuse-reason": "已约满"}),
        ("cash:warning_acknowledge", CashWarning.objects.exclude(Exists(mine)), {"everything": "on"}),
        ("insurance:product_edit", Product.objects.all(), {"name": "保险"}),
        ("finder:article_publish", Article.objects.all(), {}),
    ]  # fmt: skip
    out = [(bank, name, qs if isinstance(qs, list) else foreign(qs), body) for name, qs, body in cases]
    if insurer_user is not None:
        others = Product.objects.exclude(insurer_id=insurer_user.organisation_id)
        out.append((insurer_user, "insurance:product_edit", foreign(others), {"name": "保险"}))
    return out


def _form_writes(bank, insurer_user) -> list:
    """(user, URL name, body naming the user's own object, bodies naming others'): the form must refuse the others
    (400 or 404) and should take the own one (the control that the body is otherwise plausible)."""
    own = bank.organisation.path
    today = datetime.date.today().isoformat()
    points = ServicePoint.objects.filter(closed_on__isnull=True).order_by("pk")
    own_point = points.filter(bank__path__startswith=own).first()
    other_points = list(points.exclude(bank__path__startswith=own)[:2])
    month = _last_month()
    figures = {
        f"{k}_{p}": "1" for k in ("withdrawal", "transfer", "remittance", "bill") for p in ("count", "amount")
    }

    def monthly(p):
        return {"point": p.pk, "month": month, **figures, "daily_limit": "1000"}

    def inspection(p):
        return lambda: {"point": p.pk, "inspected_on": today, "inspector": "检查人", "photos": _jpeg()}

    def agent(p):
        return {"point": p.pk, "name": "代办员", "phone": "13900001111", "since": today}

    # Preferably a point with no agent in office: the control appointment is then not refused for the one there.
    staffed = StationAgent.objects.filter(until__isnull=True).values("point_id")
    unstaffed = points.filter(bank__path__startswith=own).exclude(pk__in=staffed).first() or own_point
    cases = []
    for name, body, own_one in (
        ("stations:monthly_add", monthly, own_point),
        ("stations:inspection_add", inspection, own_point),
        ("stations:agent_add", agent, unstaffed),
    ):
        if own_one is not None:
            cases.append((bank, name, body(own_one), [body(p) for p in other_points]))
    cases += _cash_form_writes(bank, today)
    merchants = Merchant.objects.order_by("pk")
    own_merchant = merchants.filter(bank__path__startswith=own).first()
    other_merchant = merchants.exclude(bank__path__startswith=own).first()
    if own_merchant is not None and other_merchant is not None:
        cases.append(
            (bank, "merchants:figures_upload", lambda: {"file": _csv(own_merchant.code, month)},
             [lambda: {"file": _csv(other_merchant.code, month)}])
        )  # fmt: skip
    if insurer_user is not None:
        products = Product.objects.order_by("pk")
        own_product = products.filter(insurer_id=insurer_user.organisation_id).first()
        report = {"town": _a_town(), "year": datetime.date.today().year - 1,
                  "policies": "1", "households": "1", "quantity": "1", "premium": "1", "claims": "0",
                  "claims_paid": "0"}  # fmt: skip
        others = products.exclude(insurer_id=insurer_user.organisation_id)[:2]
        if own_product is not None:
            cases.append(
                (insurer_user, "insurance:report_add", {**report, "product": own_product.pk},
                 [{**report, "product": p.pk} for p in others])
            )  # fmt: skip
    return cases


def _a_town():
    return (
        Division.objects.filter(level=Division.Level.TOWN)
        .order_by("code")
        .values_list("pk", flat=True)
        .first()
    )


def _cash_form_writes(bank, today) -> list:
    own = bank.organisation.path
    banks = Organisation.objects.filter(kind__in=cash_access.BANK_KINDS, level=Organisation.Level.BRANCH)
    own_bank = banks.filter(path__startswith=own).first()
    other_bank = banks.exclude(path__startswith=own).order_by("pk").first()
    cases = []
    if own_bank is not None and other_bank is not None:
        point = {"kind": "new_notes", "name": "新票点", "services": ["new"], "opened_on": today,
                 "opens_0": "09:00", "closes_0": "16:00"}  # fmt: skip
        outlets = Organisation.objects.filter(level=Organisation.Level.OUTLET, closed_on__isnull=True)
        own_outlet = outlets.filter(path__startswith=own_bank.path).order_by("pk").first()
        other_outlet = outlets.filter(path__startswith=other_bank.path).order_by("pk").first()
        stations = ServicePoint.objects.filter(is_station=True, closed_on__isnull=True).order_by("pk")
        other_station = stations.exclude(bank__path__startswith=own).first()
        if own_outlet is not None:
            foreign_bodies = [{**point, "bank": other_bank.pk, "outlet": own_outlet.pk}]
            if other_outlet is not None:
                foreign_bodies.append({**point, "bank": own_bank.pk, "outlet": other_outlet.pk})
            if other_station is not None:
                foreign_bodies.append({**point, "bank": own_bank.pk, "service_point": other_station.pk})
            cases.append(
                (
                    bank,
                    "cash:point_add",
                    {**point, "bank": own_bank.pk, "outlet": own_outlet.pk},
                    foreign_bodies,
                )
            )
    # A warning sent to the bank, acknowledged for a unit of another bank: refused.
    warning = cash_access.warnings_for(bank).order_by("-pk").first()
    if warning is not None:
        units = Recipient.objects.filter(warning=warning, outlet__isnull=False)
        own_unit = units.filter(bank__path__startswith=own).values_list("outlet_id", flat=True).first()
        other_unit = units.exclude(bank__path__startswith=own).values_list("outlet_id", flat=True).first()
        if own_unit is not None and other_unit is not None:
            cases.append(
                (
                    bank,
                    ("cash:warning_acknowledge", warning.pk),
                    {"outlet": [own_unit]},
                    [{"outlet": [other_unit]}],
                )
            )
    return cases


def convenience_writes(stats, send, client_for, bank, foreign) -> None:
    """The bank user (and the demo's insurer, for insurance) writes to other parties' stations, merchants, cash
    points, bookings, warnings and products: by id (each must be 404), and by naming another party's object in a
    form (each must be refused: 400 or 404; the same form naming the user's own object is the control)."""
    insurer_user = (
        User.objects.filter(
            role=User.Role.INSTITUTION, is_active=True, organisation__kind=Organisation.Kind.INSURER
        )
        .order_by("pk")
        .first()
    )
    clients = {}

    def post(user, url, body):
        client = clients.setdefault(user.pk, client_for(user))
        return send(stats, client, "post", url, user.username, data=body() if callable(body) else body)

    for user, name, pks, body in _object_writes(bank, insurer_user, foreign):
        for pk in pks:
            url = reverse(name, args=[pk])
            r = post(user, url, body)
            stats.cases.append((name, url, r.status_code))
            stats.outside += 1
            if r.status_code != 404:
                stats.leaks.append((user.username, "POST", url, name, r.status_code))
        if not pks:
            stats.cases.append((name, "-", "no object to try"))
    for user, name, own_body, foreign_bodies in _form_writes(bank, insurer_user):
        url = reverse(name[0], args=[name[1]]) if isinstance(name, tuple) else reverse(name)
        label = name[0] if isinstance(name, tuple) else name
        r = post(user, url, own_body)
        stats.inside += 1
        stats.cases.append((f"{label} (own, control)", url, r.status_code))
        if r.status_code >= 400:
            stats.notes.append(
                (user.username, "POST", url, f"{label}: the control was refused", r.status_code, "")
            )
        for body in foreign_bodies:
            r = post(user, url, body)
            stats.cases.append((f"{label} (another party's)", url, r.status_code))
            stats.outside += 1
            if r.status_code < 400:
                stats.leaks.append((user.username, "POST", url, f"{label} (another party's)", r.status_code))


def convenience_api_lists(IdParam, scope) -> dict:
    """List answers of the five apps' API whose items carry an id (paginated): each item must be in the token's
    scope. The apps' operations take no path id, so there is nothing for API_PATH_PARAMS."""
    return {"/merchants": IdParam(Merchant, scope(merchant_access.merchants_for, Merchant))}
