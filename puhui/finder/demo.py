"""The finder's part of the demo county: the office's knowledge articles, published."""

from puhui.finder import services
from puhui.finder.models import Article

COUNT_LABELS = {"articles": "金融知识文章"}

ARTICLES = (
    (
        "fraud",
        "接到“客服”电话要求转账，先挂断再核实",
        "凡是自称银行、公安、客服，要求您把钱转到“安全账户”的，都是诈骗。\n"
        "银行不会通过电话、短信要您提供验证码和密码。\n"
        "拿不准时，挂断电话，拨打银行卡背面的客服电话或到附近网点核实，也可以拨打 96110 咨询。",
    ),
    (
        "cash",
        "收到可疑的钱，怎么识别真假",
        "一看：看水印、安全线、光变油墨，迎光透视水印清晰。\n二摸：摸人像、盲文和“中国人民银行”行名，有凹凸感。\n"
        "三听：抖动钞票，真币声音清脆。\n发现假币请交到附近银行网点，不要再使用。",
    ),
    (
        "credit",
        "按时还款，就是在攒自己的信用",
        "贷款、信用卡按时还，信用记录好，以后贷款更容易、利率也可能更低。\n"
        "每人每年可以免费查询两次本人的信用报告，可到人民银行或银行网点的自助查询机办理。",
    ),
    (
        "payment",
        "村里的普惠金融服务站能办什么",
        "小额取款、转账汇款、缴纳水电费和养老医疗保险，不用跑到镇上。\n"
        "办理时请核对金额，保管好回单；遇到问题可以拨打签约银行的客服电话。",
    ),
    (
        "rights",
        "对银行的服务不满意，可以投诉",
        "先向办理业务的银行投诉，银行应在 15 日内答复；对答复不满意，可以向人民银行反映，也可以申请调解。\n"
        "在本平台的“金融消费投诉”页面即可提交，凭查询码跟踪办理进度。",
    ),
)


def build(ctx) -> dict:
    office = ctx.users.get("office")
    if office is None:
        return {}
    for topic, title, body in ARTICLES:
        article = services.article_save(actor=office, title=title, topic=topic, body=body)
        services.article_publish(actor=office, article=article, publish=True)
    return {"articles": Article.objects.count()}
