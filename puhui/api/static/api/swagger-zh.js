// Swagger UI's own words in Chinese (the API docs page, api/swagger.html). Swagger UI has no translations,
// so its buttons and headings are replaced as it draws them: a text node or attribute whose whole text is
// one of the words below. Texts of the operations come from the schema and are Chinese already.
(function () {
  "use strict";
  var WORDS = {
    "Authorize": "授权",
    "Authorized": "已授权",
    "Available authorizations": "可用的认证方式",
    "Logout": "退出",
    "Close": "关闭",
    "Value:": "值：",
    "Name:": "名称：",
    "In:": "位置：",
    "Try it out": "试用",
    "Cancel": "取消",
    "Execute": "执行",
    "Clear": "清除",
    "Parameters": "参数",
    "No parameters": "没有参数",
    "Request body": "请求体",
    "required": "必填",
    "Responses": "响应",
    "Response": "响应",
    "Code": "状态码",
    "Description": "说明",
    "Name": "名称",
    "Links": "链接",
    "No links": "没有链接",
    "Example Value": "示例",
    "Example": "示例",
    "Examples": "示例",
    "Schema": "数据结构",
    "Schemas": "数据结构",
    "Media type": "媒体类型",
    "Controls Accept header.": "决定请求的 Accept 头。",
    "Parameter content type": "参数格式",
    "Request URL": "请求地址",
    "Request Duration": "请求用时",
    "Server response": "服务器响应",
    "Response body": "响应体",
    "Response headers": "响应头",
    "Download": "下载",
    "Details": "详情",
    "Curl": "curl 命令",
    "Servers": "服务器",
    "Loading...": "正在加载……",
    "Failed to load API definition.": "接口定义加载失败。",
    "Fetch error": "读取失败",
    "Undocumented": "未说明",
    "Send empty value": "发送空值",
    "Expand all": "全部展开",
    "Collapse all": "全部收起",
    "Copy to clipboard": "复制",
    "Filter by tag": "按分组筛选",
    "Hide": "收起",
    "Show": "展开",
    "Error:": "错误：",
    "Unauthorized": "未授权",
    "Forbidden": "无权访问",
    "Not Found": "不存在",
    "Successful Response": "成功",
    "Validation Error": "输入不合格",
    "OK": "成功"
  };
  var ATTRS = ["title", "placeholder", "aria-label", "value"];

  function translateText(node) {
    var text = node.nodeValue;
    var key = text && text.trim();
    if (key && Object.prototype.hasOwnProperty.call(WORDS, key)) node.nodeValue = text.replace(key, WORDS[key]);
  }

  function translateElement(el) {
    ATTRS.forEach(function (a) {
      var v = el.getAttribute && el.getAttribute(a);
      if (v && Object.prototype.hasOwnProperty.call(WORDS, v.trim()) && !(a === "value" && el.tagName === "INPUT" && el.type !== "button" && el.type !== "submit")) {
        el.setAttribute(a, WORDS[v.trim()]);
      }
    });
  }

  function walk(root) {
    if (root.nodeType === Node.TEXT_NODE) { translateText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    // Code, examples and typed values stay as they are.
    if (root.closest && root.closest("pre, code, textarea, .microlight, .model-example .body-param")) return;
    translateElement(root);
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        if (n.nodeType === Node.ELEMENT_NODE && /^(PRE|CODE|TEXTAREA)$/.test(n.tagName)) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    var n;
    while ((n = walker.nextNode())) {
      if (n.nodeType === Node.TEXT_NODE) translateText(n); else translateElement(n);
    }
  }

  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root) return;
    new MutationObserver(function (records) {
      records.forEach(function (r) {
        if (r.type === "characterData") translateText(r.target);
        else if (r.type === "attributes") translateElement(r.target);
        else r.addedNodes.forEach(walk);
      });
    }).observe(root, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRS });
    walk(root);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
