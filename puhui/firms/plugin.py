"""What firm credit information adds to the shared places (see `puhui/core/plugins.py`)."""

from puhui.core.models import User
from puhui.core.plugins import ApiRouter, HomePage, JobLauncher, Menu, NavItem, ProfileFlag, Service

Role = User.Role
SMALL_FIRMS = Menu("小微企业", 42)  # between 信用体系 (40) and 便民服务 (44); this app orders 10–39
ACCESS = f"{__package__}.access"

NAVIGATION = [
    NavItem(SMALL_FIRMS, 10, "企业信用画像", "firms:list", None, when=f"{ACCESS}.may_see_firms"),
    NavItem(SMALL_FIRMS, 20, "部门共享企业信息", "firms:uploads", None, when=f"{ACCESS}.may_see_uploads"),
    NavItem(SMALL_FIRMS, 30, "信息来源目录", "firms:sources", None, when=f"{ACCESS}.may_see_sources"),
    NavItem(SMALL_FIRMS, 35, "企业评分卡", "firms:scorecards", frozenset({Role.OFFICE, Role.ADMIN})),
    NavItem(
        SMALL_FIRMS, 39, "我的企业", "firms:mine", frozenset({Role.PUBLIC}), when=f"{ACCESS}.acts_for_firm"
    ),
]

# A public user who acts for a firm lands on the firm's own page (authorisations, who looked).
HOME_PAGES = [HomePage(frozenset({Role.PUBLIC}), "firms:mine", when=f"{ACCESS}.acts_for_firm")]

# The other small-firm apps ask, without naming this one, whether a firm authorised a bank and its rating.
API_ROUTERS = [ApiRouter("/firms", f"{__package__}.api.router")]

SERVICES = [
    Service("firm_authorised_bank", f"{__package__}.services.authorisations.firm_authorised_bank"),
    Service("firm_rating", f"{__package__}.services.ratings.firm_rating"),
]

# The registry's firm page links to the profile (with the grade) for those who may read it.
PROFILE_FLAGS = [ProfileFlag("firm_credit_profile", f"{__package__}.selectors.profile.profile_flags")]

JOB_LAUNCHERS = [
    JobLauncher(
        name="firm_ratings",
        label="小微企业信用评级",
        description="按小微企业信用评价评分卡，用市场主体名录、各部门共享信息和银行贷款明细为全部在册企业评级。",
        task_path=f"{__package__}.tasks.ratings_compute_task",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=42,
    ),
    JobLauncher(
        name="firm_scorecard_train",
        label="开发小微企业统计评分卡",
        description="用银行贷款明细表中企业的逾期和不良情况（观察日后12个月）和观察日的部门共享信息、名录信息，"
        "分箱、逻辑回归、定分并五折交叉验证，保存为待启用的统计评分卡版本；有结果的企业不足200户"
        "（或逾期不良、始终正常各不足20户）时不开发，继续使用专家评分卡。",
        task_path=f"{__package__}.tasks.scorecard_train_task",
        roles=frozenset({Role.OFFICE, Role.ADMIN}),
        order=43,
    ),
]
