from ninja import Router

router = Router(tags=["插件示例"])
