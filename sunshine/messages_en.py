"""English catalog for the Chinese content problems (used by :mod:`sunshine.i18n`).

``CATALOG`` is an ordered list of ``(Chinese pattern, English format string)``.
A pattern is the Chinese text with ``{name}`` placeholders (``{{``/``}}`` for a
literal brace); :mod:`sunshine.i18n` compiles it into an anchored regex whose named
groups carry the values. The first pattern that matches the whole text wins.

A placeholder between “ and ” matches anything; elsewhere it matches text without
Han characters, unless its name starts with one of these prefixes, which also say
how the value is shown in English:

- ``list_``  a “、”-separated list: “, ”-separated, Chinese items in "double quotes"
- ``term_``  a fixed Chinese word looked up in :data:`TERMS` (unknown: quoted)
- ``type_``  a notice type: quoted, with its English name from :data:`NOTICE_TYPES`
- ``tr_``    a nested message, translated itself
- ``q_``     free text, put in "double quotes"
- ``path_``, ``raw_``  any text, kept as it is (file paths, library messages)

English strings may use ``{n:plural:day|days}`` for "1 day" / "2 days".
"""

from __future__ import annotations

__all__ = ["CATALOG", "FIELDS", "NOTICE_TYPES", "TERMS"]

# Field names that are Chinese in Problem.field.
FIELDS = {"正文": "body"}

# Fixed Chinese words interpolated into messages.
TERMS = {
    # sunshine.personal.LABELS
    "身份证号": "ID card number",
    "手机号码": "mobile number",
    "银行卡号": "bank card number",
    "电子邮箱": "e-mail address",
    "电话号码": "phone number",
    # sunshine.kinds.notice.PERSON_LABELS
    "性别": "gender",
    "出生年月": "birth month",
    "学历": "education",
    "申请入党时间": "date of applying to join the Party",
    "确定为积极分子时间": "date of becoming an activist",
    "入党时间": "date of joining the Party",
    "现任职务": "current post",
    "拟任职务": "proposed post",
    # sunshine.kinds.common.SCOPE_LABELS, as "disclosed … only"
    "向社会公开": "to the public",
    "党内公开": "within the Party",
    "限定范围公开": "to a restricted audience",
}

NOTICE_TYPES = {
    "发展对象公示": "notice of candidates for membership",
    "预备党员转正公示": "notice of full membership for probationary members",
    "任前公示": "pre-appointment notice",
    "换届选举公告": "election announcement",
    "党费收缴公示": "Party dues notice",
    "经费公开": "funds disclosure",
    "一般公告": "general announcement",
}


def _valued(zh: str, with_value: str, plain: str) -> list[tuple[str, str]]:
    """A schema message with and without the offending value in front (sunshine.schema)."""
    return [("“{value}”" + zh, '"{value}" ' + with_value), (zh, plain)]


_SCHEMA_TYPES = [
    *_valued("不是有效的日期", "is not a valid date", "not a valid date"),
    *_valued("应为日期，不带时间", "should be a date without a time", "should be a date without a time"),
    *_valued("不是有效的日期时间", "is not a valid date and time", "not a valid date and time"),
    *_valued("应为整数", "should be a whole number", "should be a whole number"),
    *_valued("应为数字", "should be a number", "should be a number"),
    *_valued("应为 true 或 false", "should be true or false", "should be true or false"),
    *_valued("应为文字", "should be text", "should be text"),
    *_valued("应为列表", "should be a list", "should be a list"),
    *_valued("应为“字段: 值”的结构", 'should be "field: value" lines', 'should be "field: value" lines'),
    ("不能为空", "must not be empty"),  # shown without the value
    *_valued("文字太长", "is too long", "text is too long"),
    *_valued("值不在可选范围内", "is not one of the allowed values", "not one of the allowed values"),
    ("“{value}”太小", '"{value}" is too small'),
    ("“{value}”太大", '"{value}" is too large'),
    ("“{value}”格式不对", '"{value}" has the wrong format'),
]

CATALOG: list[tuple[str, str]] = [
    # sunshine.problems.suggest
    ("是否指{list_options}？", "did you mean {list_options}?"),
    ("可选：{list_options}", "choose from: {list_options}"),
    ("请查看 config.yaml 中的可选值", "see config.yaml for the allowed values"),
    # sunshine.load
    ("找不到 content 文件夹", "content folder not found"),
    ("请创建 content/notices 等文件夹", "create content/notices and the other content folders"),
    ("文件名与“{other}”只差大小写", 'file name differs from "{other}" only in letter case'),
    ("在不区分大小写的服务器上会冲突，请改名", "they clash on case-insensitive servers: rename one"),
    ("符号链接指向 content 文件夹以外", "symbolic link points outside the content folder"),
    ("请把文件复制进来，不要用链接", "copy the file in instead of linking to it"),
    ("content 根目录下的文件不会被发布", "files directly under content/ are not published"),
    ("请放到 {list_folders} 文件夹中", "move it into one of the folders {list_folders}"),
    ("未知的内容文件夹“{folder}”", 'unknown content folder "{folder}"'),
    ("可用：{list_folders}", "available: {list_folders}"),
    ("不是 .md 或 .yaml 文件", "not a .md or .yaml file"),
    ("附件请放进记录自己的文件夹（NAME/index.md 旁边）", "put attachments in the record's own folder (next to NAME/index.md)"),
    ("文件夹记录缺少 index.md", "folder record has no index.md"),
    ("在文件夹中创建 index.md", "create index.md in the folder"),
    ("文件过大（{size} KB，上限 {limit} KB）", "file too large ({size} KB, limit {limit} KB)"),
    ("无法读取文件（{raw_reason}）", "cannot read the file ({raw_reason})"),
    ("无法读取附件“{file}”（{raw_reason}）", 'cannot read the attachment "{file}" ({raw_reason})'),
    ("附件“{file}”在生成过程中被改动", 'the attachment "{file}" changed while the site was being built'),
    ("请等生成结束后再修改附件，然后重新生成", "change attachments after the build has finished, then build again"),
    ("模板错误：找不到模板“{name}”", 'template error: template "{name}" not found'),
    ("模板错误：{raw_message}", "template error: {raw_message}"),
    ("请检查这一行的变量名、过滤器和 {{% %}} 标签是否成对", "check the variable names, filters and that {{% %}} tags are paired on this line"),
    ("无法读写文件（{raw_reason}）", "cannot read or write the file ({raw_reason})"),
    (
        "请检查文件和文件夹的读写权限与磁盘空间，或关闭正在占用它的程序后重试",
        "check that the file and its folder may be read and written and that the disk has room, or close the program holding it, and try again",
    ),
    ("请检查文件的读取权限，或关闭正在占用它的程序后重试", "check that the file may be read, or close the program holding it, and try again"),
    (
        "请精简内容，或把大文件作为附件；上限可在 config.yaml 的 site.max_file_kb 调整",
        "shorten it, or make large content an attachment; the limit is site.max_file_kb in config.yaml",
    ),
    ("body 应为 Markdown 文字", "body should be Markdown text"),
    ("写成“body: |”，下一行起缩进书写正文", 'write "body: |" and the text indented from the next line on'),
    # sunshine.yamlsrc: decoding and front matter
    ("文件不是 UTF-8 编码（{tr_guess}）", "file is not UTF-8 encoded ({tr_guess})"),
    ("看起来是 GBK/GB18030 编码", "it looks like GBK/GB18030"),
    ("无法识别的编码", "unknown encoding"),
    ("请在编辑器中选择“UTF-8”编码另存为", 'save it again as "UTF-8" in your editor'),
    ("文件含有空字符（\\0），可能不是文本文件", "file contains NUL characters (\\0); it may not be a text file"),
    ("请确认文件类型", "check the file type"),
    ("文件含有不可见的控制字符（U+{code}）", "file contains an invisible control character (U+{code})"),
    ("请删除该字符后重新保存", "delete the character and save again"),
    ("缺少开头的 YAML 信息块", "the YAML front matter is missing at the top"),
    (
        "文件第一行应为“---”，然后写 title、org 等字段，再以“---”结束",
        'the first line must be "---", then fields such as title and org, then a closing "---"',
    ),
    ("YAML 信息块没有结束", "the YAML front matter is not closed"),
    ("在字段之后单独一行写“---”", 'write "---" on a line of its own after the fields'),
    # sunshine.yamlsrc: YAML
    ("YAML 无法解析（{raw_detail}）", "YAML cannot be parsed ({raw_detail})"),
    ("请检查缩进和引号", "check the indentation and quotes"),
    ("内容为空", "the file is empty"),
    ("请至少填写 title、org、date、scope 等字段", "fill in at least title, org, date and scope"),
    ("YAML 顶层应为“字段: 值”的列表", 'the top level of the YAML should be "field: value" lines'),
    ("每行写一个字段，例如“title: 关于……的公示”", 'write one field per line, e.g. "title: 关于……的公示"'),
    ("YAML 内容过多或含有循环引用", "the YAML is too large or has circular references"),
    ("请减少锚点（&/*）的使用", "use fewer anchors (&/*)"),
    ("不支持“<<”合并写法", '"<<" merge keys are not supported'),
    ("请直接写出每个字段", "write out every field"),
    ("字段名必须是文字", "field names must be text"),
    ("请检查这一行的写法", "check how this line is written"),
    ("字段“{key}”重复出现（第 {first} 行已有）", 'field "{key}" appears twice (already on line {first})'),
    ("删除其中一个，同一字段只能写一次", "delete one of them: a field may appear only once"),
    ("不支持的 YAML 标签“{tag}”", 'unsupported YAML tag "{tag}"'),
    ("请去掉“!”开头的标签", 'remove the tag that starts with "!"'),
    ("请检查月份和日期，例如 2020-06-01", "check the month and day, e.g. 2020-06-01"),
    ("YAML 中不能用 Tab 键缩进", "YAML must not be indented with tabs"),
    ("请把 Tab 换成空格", "replace the tabs with spaces"),
    ("冒号的位置不对，或缩进不一致", "a colon is misplaced, or the indentation is inconsistent"),
    ("值中含有“: ”时请用引号括起来，并检查缩进", 'put values that contain ": " in quotes, and check the indentation'),
    ("缺少冒号，或缩进不一致", "a colon is missing, or the indentation is inconsistent"),
    ("每个字段写成“名称: 值”，冒号后加一个空格", 'write each field as "name: value", with a space after the colon'),
    ("缩进不一致", "inconsistent indentation"),
    ("同一层的字段要对齐，列表项以“- ”开头", 'align the fields of one level; start list items with "- "'),
    ("列表缩进不一致", "inconsistent list indentation"),
    ("同一列表的各项要对齐，以“- ”开头", 'align the items of a list and start each with "- "'),
    ("引用了未定义的锚点", "reference to an undefined anchor"),
    ("请检查“*”后面的名字", 'check the name after "*"'),
    ("引号或括号没有配对", "unmatched quote or bracket"),
    ("请检查引号是否成对", "check that the quotes come in pairs"),
    ("双引号中有无效的转义符“\\”", 'invalid escape character "\\" in double quotes'),
    ("改用单引号，或把“\\”写成“\\\\”", 'use single quotes, or write "\\" as "\\\\"'),
    ("文件中有多个 YAML 文档", "the file holds more than one YAML document"),
    ("删除多余的“---”行", 'delete the extra "---" lines'),
    ("YAML 语法错误（{raw_detail}）", "YAML syntax error ({raw_detail})"),
    ("请检查这一行的缩进、冒号和引号", "check the indentation, colons and quotes on this line"),
    # sunshine.schema
    ("缺少必填字段", "required field is missing"),
    ("请添加“{name}: …”", 'add "{name}: …"'),
    ("未知字段“{name}”", 'unknown field "{name}"'),
    ("请删除这个字段", "delete this field"),
    *_SCHEMA_TYPES,
    ("去掉小数部分", "drop the decimal part"),
    ("写 true（是）或 false（否）", "write true (yes) or false (no)"),
    ("请用引号把值括起来", "put the value in quotes"),
    ("每项单独一行，以“- ”开头", 'one item per line, each starting with "- "'),
    ("请检查缩进", "check the indentation"),
    ("请至少填写一项", "fill in at least one item"),
    ("请填写内容", "fill it in"),
    ("请精简", "shorten it"),
    ("不能小于 {n}", "must not be less than {n}"),
    ("不能大于 {n}", "must not be more than {n}"),
    ("只能用小写字母、数字和连字符“-”，如 dongshan", 'use only lower-case letters, digits and hyphens "-", e.g. dongshan'),
    ("应为 2—6 个大写字母，如 QXZ", "use 2 to 6 capital letters, e.g. QXZ"),
    ("写成“机构代码-年份-四位序号”，如 QXZ-2020-0007", 'write "CODE-YEAR-NNNN" (organisation code, year, four-digit serial), e.g. QXZ-2020-0007'),
    ("写成“考评索引号#组织编号”，如 QXZ-2020-0006#beiwu", 'write "RATING-INDEX-NO#org-id", e.g. QXZ-2020-0006#beiwu'),
    ("写成 2020-Q1…2020-Q4、2020-H1、2020-H2 或 2020", "write 2020-Q1…2020-Q4, 2020-H1, 2020-H2 or 2020"),
    ("写成“年-月”，如 \"1990-05\"", 'write "year-month", e.g. "1990-05"'),
    ("写成“月-日”，如 \"03-31\"", 'write "month-day", e.g. "03-31"'),
    ("应符合 {raw_pattern}", "should match {raw_pattern}"),
    ("值无效（{raw_detail}）", "invalid value ({raw_detail})"),
    ("请参照编辑指南修改", "see the editing guide"),
    # sunshine.config
    ("网站地址格式不对", "malformed site address"),
    ("写成 https://域名/路径/ 或 /路径/", "write https://domain/path/ or /path/"),
    ("网站地址缺少“https://”", 'the site address lacks "https://"'),
    ("网站路径应以“/”开头", 'the site path must start with "/"'),
    ("网站地址不能带“?”或“#”", 'the site address must not contain "?" or "#"'),
    ("只写域名和路径", "give only the domain and the path"),
    ("未知的时区“{tz}”", 'unknown time zone "{tz}"'),
    ("一般写 Asia/Shanghai", "usually Asia/Shanghai"),
    ("编号“{id}”重复（第 {n} 项已用）", 'id "{id}" is used twice (already by item {n})'),
    ("每个编号只能用一次", "use each id only once"),
    ("索引号代码“{code}”与“{other}”重复", 'index code "{code}" is already used by "{other}"'),
    ("每个组织用不同的代码", "give each organisation its own code"),
    ("未知的上级组织“{parent}”", 'unknown parent organisation "{parent}"'),
    ("上级组织形成了循环", "the parent organisations form a cycle"),
    ("请检查 parent 字段", "check the parent fields"),
    (
        "应有且只有一个最上级组织（parent: null），现有 {n} 个",
        "there must be exactly one top-level organisation (parent: null); found {n}",
    ),
    ("只给镇党委写 parent: null", "write parent: null only for the town Party committee"),
    ("未知的分类“{category}”", 'unknown category "{category}"'),
    ("未知的组织编号“{org}”", 'unknown organisation id "{org}"'),
    ("未知的联系方式“{contact}”", 'unknown contact "{contact}"'),
    ("找不到 config.yaml", "config.yaml not found"),
    ("请在网站根目录创建 config.yaml", "create config.yaml in the site root"),
    # sunshine.kinds.common
    ("状态为 {status} 时必须写明原因", "status {status} needs a reason"),
    ("请添加“withdrawn_reason: 撤回原因”", 'add "withdrawn_reason: …" giving the reason'),
    ("未知的主题分类“{category}”", 'unknown topic category "{category}"'),
    ("索引号代码“{code}”与发布机构不符", 'index code "{code}" does not match the publishing organisation'),
    ("{q_name}的代码是 {code}", 'the code of {q_name} is {code}'),
    ("索引号年份 {year} 与发布日期年份 {date_year} 不符", "index year {year} does not match the publication year {date_year}"),
    ("索引号中的年份应为发布年份", "the year in the index number must be the publication year"),
    ("成文日期晚于发布日期", "the written date is after the publication date"),
    ("请核对成文日期和发布日期", "check the written date and the publication date"),
    ("审批日期晚于发布日期", "the approval date is after the publication date"),
    ("先审批后公开：请核对日期", "approve first, publish after: check the dates"),
    ("向社会公开的记录缺少审批记录", "public record has no approval"),
    (
        "请添加 approval：proposed_by 提出、reviewed_by 审核、approved_by 审批、approved_on 审批日期、secrecy_review: true",
        "add approval: proposed_by (proposer), reviewed_by (reviewer), approved_by (approver), "
        "approved_on (approval date), secrecy_review: true",
    ),
    ("向社会公开的记录未通过保密审查", "public record has not passed the secrecy review"),
    ("保密审查通过后改为 true", "set it to true once the secrecy review is passed"),
    ("旧网址“{alias}”格式不对", 'old URL "{alias}" is malformed'),
    ("写成以“/”开头的站内路径，如 /old/notice-1/", 'write a site path starting with "/", e.g. /old/notice-1/'),
    ("未指定公开目录事项", "no disclosure catalog item given"),
    ("请添加“catalog: 事项编号”，见 config.yaml 的 catalog", 'add "catalog: <item id>"; see catalog in config.yaml'),
    ("未知的公开目录事项“{item}”", 'unknown catalog item "{item}"'),
    ("事项“{item}”只在{term_scope}，不能向社会公开", 'catalog item "{item}" is disclosed {term_scope} only, not to the public'),
    ("改为“scope: {audience}”，或选择向社会公开的事项", 'change to "scope: {audience}", or choose a public catalog item'),
    ("事项“{item}”不由这类记录公开", 'catalog item "{item}" is not disclosed by this kind of record'),
    ("可选的记录类别：{list_kinds}", "allowed kinds: {list_kinds}"),
    ("事项“{item}”应以{list_types}公开", 'catalog item "{item}" must be disclosed as {list_types}'),
    ("请核对 type 或 catalog", "check type or catalog"),
    ("事项“{item}”不是本组织应公开的事项", 'catalog item "{item}" is not owed by this organisation'),
    ("请核对 org 或 catalog", "check org or catalog"),
    # sunshine.kinds.notice
    (
        "公示期要写 end（结束日期）或 working_days（工作日数）其中之一",
        "the period needs exactly one of end (end date) or working_days (number of working days)",
    ),
    ("结束日期早于开始日期", "the end date is before the start date"),
    ("请核对 start 和 end", "check start and end"),
    ("缺少主题分类", "topic category is missing"),
    ("合计 {total} 与明细之和 {sum} 不符", "total {total} does not equal the sum of the amounts, {sum}"),
    ("请核对各项金额和合计", "check the amounts and the total"),
    ("写了合计但没有金额明细", "a total is given but no amounts"),
    ("请添加 amounts 明细或删除 total", "add amounts or delete total"),
    ("节假日日历不包含 {year} 年，无法计算工作日", "the holiday calendar does not cover {year}: working days cannot be counted"),
    (
        "请在 config.yaml 的 calendar.holidays / calendar.workdays 中写明 {year} 年的放假和调休日期",
        "list the holidays and make-up working days of {year} in calendar.holidays / calendar.workdays of config.yaml",
    ),
    (
        "公示期只有 {days} 个工作日，{type_notice}至少 {min} 个工作日",
        "the period has only {days:plural:working day|working days}; a {type_notice} needs at least {min}",
    ),
    ("写成 working_days: {n}，或推迟结束日期", "write working_days: {n}, or move the end date later"),
    ("{type_notice}缺少公示对象名单", "{type_notice}: the list of people is missing"),
    ("请添加 people，每人一项", "add people, one item per person"),
    ("{type_notice}需要填写{term_label}", "{type_notice}: the {term_label} is needed"),
    ("{type_notice}缺少金额明细", "{type_notice}: the amounts are missing"),
    ("请添加 amounts，每项写 item 和 amount", "add amounts, each with item and amount"),
    ("{type_notice}缺少合计金额", "{type_notice}: the total is missing"),
    ("请添加 total，等于各项之和", "add total, equal to the sum of the amounts"),
    ("{type_notice}缺少选举信息", "{type_notice}: the election details are missing"),
    ("请添加 election: {{date: 大会日期, seats: 应选名额}}", "add election: {{date: <meeting date>, seats: <seats to fill>}}"),
    ("候选人 {n} 名，少于应选名额 {seats} 名", "{n:plural:candidate|candidates}, fewer than the {seats} seats to fill"),
    ("请核对候选人名单和应选名额", "check the candidates and the number of seats"),
    ("处理件数多于收到件数", "more objections resolved than received"),
    ("请核对", "please check"),
    # sunshine.kinds.plan
    ("任务序号 {no} 重复", "task number {no} is used twice"),
    ("每个任务用不同的序号", "give each task its own number"),
    # sunshine.kinds.rating
    ("考评项目编号“{id}”重复", 'criterion id "{id}" is used twice'),
    ("每个项目用不同的编号", "give each criterion its own id"),
    ("“{org}”不是本考评组织的下级组织", '"{org}" is not under the rating organisation'),
    ("只能考评发布机构的下级党组织", "only Party organisations under the publishing organisation can be rated"),
    ("组织“{org}”被重复考评（第 {n} 项已有）", 'organisation "{org}" is rated twice (already in item {n})'),
    ("每个组织只写一次", "list each organisation once"),
    ("未知的考评项目“{criterion}”", 'unknown criterion "{criterion}"'),
    ("得分 {score} 不能为负数", "score {score} must not be negative"),
    ("请核对得分", "check the score"),
    ("得分 {score} 超过该项满分 {max}", "score {score} exceeds the criterion's maximum of {max}"),
    ("得分应在 0 到 {max} 之间", "the score must be between 0 and {max}"),
    ("缺少考评项目“{criterion}”的得分", 'the score for criterion "{criterion}" is missing'),
    ("请添加“{criterion}: 分数”", 'add "{criterion}: <score>"'),
    ("各项满分之和 {sum} 与满分合计 total: {total} 不符", "the criteria maxima add up to {sum}, not to total: {total}"),
    ("请核对各考评项目的 max", "check the max of each criterion"),
    # sunshine.validate
    ("只有文件夹记录才能带附件", "only folder records can have attachments"),
    ("把记录改为 NAME/index.md，附件放在同一文件夹", "turn the record into NAME/index.md and put the attachments in its folder"),
    ("附件路径“{file}”超出了记录文件夹", 'attachment path "{file}" leaves the record\'s folder'),
    ("附件只能是同一文件夹中的文件名", "an attachment must be a file name in the same folder"),
    ("找不到附件“{file}”", 'attachment "{file}" not found'),
    ("请把文件放到 index.md 旁边，并核对文件名", "put the file next to index.md and check its name"),
    ("索引号“{number}”与 {path_other} 重复", 'index number "{number}" is also used by {path_other}'),
    ("索引号必须唯一：用 python build.py new 分配新号", "index numbers must be unique: get a new one with python build.py new"),
    ("缺少索引号", "index number is missing"),
    (
        "已临时编为 {number}；请写入“index_no: {number2}”，以后不再改动",
        'numbered {number} for now; write "index_no: {number2}" and never change it',
    ),
    ("找不到索引号为“{number}”的考评记录", 'no rating with index number "{number}"'),
    ("写成 考评索引号#组织编号，如 QXZ-2020-0006#beiwu", "write RATING-INDEX-NO#org-id, e.g. QXZ-2020-0006#beiwu"),
    ("组织“{org}”不在考评 {number} 中", 'organisation "{org}" is not in rating {number}'),
    ("找不到索引号为“{number}”的记录", 'no record with index number "{number}"'),
    ("请核对被更正记录的索引号", "check the index number of the corrected record"),
    ("记录不能更正自己", "a record cannot correct itself"),
    ("填写被更正记录的索引号", "give the index number of the corrected record"),
    # sunshine.guard
    ("按批准公开个人信息“{value}”（理由：{q_reason}）", 'personal data "{value}" published with approval (reason: {q_reason})'),
    ("请确认已取得本人同意", "make sure the person has consented"),
    ("{term_label}“{value}”不能公开", '{term_label} "{value}" must not be published'),
    ("请删除或脱敏为 {masked}", "delete it or mask it as {masked}"),
    # sunshine.route
    ("网址名“{slug}”是系统保留的栏目", 'URL name "{slug}" is reserved for a built-in section'),
    ("请换一个网址名", "choose another URL name"),
    ("网址 /{path_url} 被多个记录使用：{list_owners}", "URL /{path_url} is used by several records: {list_owners}"),
    ("请给其中一个记录另设 slug", "give one of the records another slug"),
    # sunshine.markdown (body links)
    ("链接的文件“{file}”不存在", 'linked file "{file}" does not exist'),
    (
        "请核对路径，链接写成相对于本文件的路径，如 ../notices/a.md",
        "check the path: a link is relative to this file, e.g. ../notices/a.md",
    ),
    ("链接到未公开的记录 {path_key}", "link to the unpublished record {path_key}"),
    ("公开的记录不能链接到党内或未发布的记录：请删除链接", "a public record must not link to Party-internal or unpublished records: delete the link"),
    # sunshine.outputs.search
    ("未安装全文搜索组件 Pagefind", "the Pagefind search component is not installed"),
    (
        "只安装了不支持中文分词的 Pagefind，需要扩展版 pagefind[extended]",
        "the installed Pagefind cannot segment Chinese: the extended pagefind[extended] is needed",
    ),
    (
        "请运行 pip install {raw_package}，或设置环境变量 SUNSHINE_NO_SEARCH=1 跳过全文搜索",
        "run pip install {raw_package}, or set SUNSHINE_NO_SEARCH=1 to skip the search index",
    ),
    # sunshine.decap (the admin/ editor) and its hint in sunshine.pipeline
    ("{path_file} 不是正确的 YAML：{raw_detail}", "{path_file} is not valid YAML: {raw_detail}"),
    (
        "{path_file} 应写成 backend: {{name: github, repo: 单位/仓库, branch: main}}",
        "{path_file} should read backend: {{name: github, repo: owner/repo, branch: main}}",
    ),
    ("{path_file} 的 backend.name“{name}”未知，可选：{list_names}", '{path_file}: unknown backend.name "{name}"; choose from: {list_names}'),
    (
        "找不到 {path_file}：网页编辑器的程序来自 npm 包 decap-cms。请在 {path_root} 运行 npm ci --ignore-scripts 后重试",
        "{path_file} not found: the web editor comes from the npm package decap-cms. "
        "Run npm ci --ignore-scripts in {path_root} and try again",
    ),
    ("见 {q_doc}", "see {q_doc}"),
    # sunshine.write
    (
        "输出文件夹 {path_out} 是网站根目录或其上级，会覆盖网站源文件",
        "output folder {path_out} is the site root or above it and would overwrite the sources",
    ),
    ("输出文件夹 {path_out} 在 {folder}/ 之内，会覆盖网站源文件", "output folder {path_out} is inside {folder}/ and would overwrite the sources"),
    ("请用 --out 指定其他文件夹，例如 site/", "choose another folder with --out, e.g. site/"),
    # sunshine.reports.freshness (the CLI's "提醒：" lines)
    ("栏目“{item}”（{id}）还没有任何公开内容", 'column "{item}" ({id}) has no published content yet'),
    (
        "栏目“{item}”（{id}）已 {age} 天没有更新，超过 {max} 天的要求",
        'column "{item}" ({id}) has not been updated for {age:plural:day|days}, more than the required {max}',
    ),
    # generic hints, last
    ("写成 {example}", "write {example}"),
    ("例如 {example}", "e.g. {example}"),
]
