"""The API documentation page (/api/v1/docs) in Chinese: Swagger UI from ninja's own static files, inside a
page of ours — a Chinese title and header, and swagger-zh.js, which puts Swagger UI's buttons and headings
("Try it out", "Execute", "Responses"…) into Chinese as it draws them. The operations' own texts are
Chinese already (titles and descriptions in the schemas)."""

from ninja.openapi.docs import Swagger


class ChineseSwagger(Swagger):
    template = "api/swagger.html"
