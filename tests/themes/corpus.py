"""A constructed corpus of comments with known topics, for the themes tests and bench_themes.py.

Each topic has its own vocabulary (the words that define it, which the key terms must find) and several
paraphrase templates: comments of one topic make the same point in different words, with interchangeable
synonyms and some neutral phrasing shared by every topic ("建议", "希望有关部门重视") so that topics are not
separable by one fixed sentence. Everything is reproducible from the seed. The text is written for this
project (fictional residents' comments).
"""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One point residents make: its defining words and ways of saying it."""

    name: str
    words: tuple[str, ...]  # words every comment of the topic uses some of (expected key terms)
    templates: tuple[str, ...]
    slots: dict


TOPICS: tuple[Topic, ...] = (
    Topic("民宿登记", ("民宿", "登记", "审批"), (
        "{lead}民宿登记手续太繁琐，{want}简化审批流程",
        "办理民宿登记要跑好几个部门，{want}压缩审批时限",
        "民宿经营者登记时材料太多，{want}审批实行一窗受理",
        "{lead}民宿登记和审批一次办结，不要让经营者来回跑",
    ), {}),
    Topic("停车难", ("停车", "车位", "停车场"), (
        "{lead}景区周边停车位严重不足，节假日停车非常困难",
        "停车场太少，车位经常满，{want}增建停车场",
        "{want}规划建设停车场，解决游客停车难的问题",
        "节假日停车难，车位一位难求，{want}增加停车车位",
    ), {}),
    Topic("门票价格", ("门票", "价格", "优惠"), (
        "{lead}门票价格偏高，{want}对老人和学生实行优惠",
        "景区门票价格年年上涨，{want}门票价格调整要听证并给予优惠",
        "门票太贵了，{want}本地居民享受门票优惠价格",
        "{want}降低门票价格，扩大门票优惠范围",
    ), {}),
    Topic("导游管理", ("导游", "购物", "讲解"), (
        "{lead}有的导游强迫游客购物，{want}严格管理导游",
        "导游讲解水平参差不齐，还带游客去购物点，{want}加强培训",
        "{want}禁止导游诱导购物，提高导游讲解质量",
        "导游只顾带人购物不认真讲解，{want}依法处罚",
    ), {}),
    Topic("无障碍", ("无障碍", "轮椅", "残疾人"), (
        "{lead}景区无障碍设施太少，轮椅上不去",
        "残疾人游览不方便，{want}增设无障碍通道，方便轮椅通行",
        "{want}景区配备轮椅并建设无障碍坡道，照顾残疾人",
        "无障碍设施经常被占用，残疾人和坐轮椅的游客很难进入",
    ), {}),
    Topic("公共厕所", ("厕所", "卫生间", "保洁"), (
        "{lead}景区厕所数量不够，排队时间很长",
        "卫生间卫生条件差，{want}加强厕所保洁",
        "{want}按照游客数量配建厕所，做好卫生间日常保洁",
        "旅游厕所太脏太少，保洁人员不够",
    ), {}),
    Topic("网络预约", ("预约", "平台", "网上"), (
        "{lead}网上预约太复杂，老年人不会在平台操作",
        "预约平台经常崩溃，{want}优化网上预约系统",
        "{want}保留现场购票，不要只能在平台网上预约",
        "网上预约名额太少，平台放号时间不固定",
    ), {}),
    Topic("生态保护", ("生态", "垃圾", "污染"), (
        "{lead}部分景区垃圾随处可见，生态环境受到污染",
        "{want}加强生态保护，及时清运垃圾，防止污染水源",
        "游客乱扔垃圾破坏生态，{want}加大污染处罚力度",
        "开发旅游不能以污染生态为代价，垃圾要分类处理",
    ), {}),
    Topic("安全救援", ("安全", "救援", "应急"), (
        "{lead}山区景区缺少安全救援力量，出了事故应急反应慢",
        "{want}建立旅游安全应急救援机制，配备救援设备",
        "游客遇险时救援不及时，{want}完善应急预案，保障安全",
        "高风险项目要有安全提示和应急救援人员",
    ), {}),
    Topic("投诉处理", ("投诉", "热线", "反馈"), (
        "{lead}游客投诉没人处理，打热线也没有反馈",
        "{want}统一旅游投诉热线，限期反馈处理结果",
        "投诉处理太慢，热线电话总是占线，{want}改进",
        "{want}公开投诉处理流程，投诉人要能及时得到反馈",
    ), {}),
    Topic("乡村旅游", ("乡村", "农家乐", "农民"), (
        "{lead}扶持乡村旅游发展，带动农民增收",
        "农家乐经营不规范，{want}加强对乡村旅游的指导",
        "{want}鼓励农民开办农家乐，发展乡村特色旅游",
        "乡村旅游要让农民得实惠，农家乐要统一标准",
    ), {}),
    Topic("文物保护", ("文物", "古建筑", "修缮"), (
        "{lead}一些古建筑年久失修，文物保护不到位",
        "{want}加大文物修缮投入，不能为了旅游破坏古建筑",
        "文物景点游客太多，{want}限流保护古建筑和文物",
        "古建筑修缮要修旧如旧，保护文物原貌",
    ), {}),
    Topic("公共交通", ("公交", "班车", "接驳"), (
        "{lead}去景区的公交车太少，班车间隔太长",
        "{want}开通景区直达班车，做好公交接驳",
        "火车站到景区没有接驳公交，{want}增开班车",
        "节假日公交班车不够，接驳换乘很不方便",
    ), {}),
    Topic("双语标识", ("标识", "指示牌", "外语"), (
        "{lead}景区指示牌不清楚，缺少外语标识",
        "{want}统一设置双语指示牌，标识要醒目",
        "外国游客看不懂标识，{want}增加外语指示牌",
        "指示牌标识错误很多，外语翻译不规范",
    ), {}),
    Topic("夜间噪音", ("噪音", "夜间", "扰民"), (
        "{lead}酒吧街夜间噪音扰民，居民无法休息",
        "{want}限制夜间营业音量，解决噪音扰民问题",
        "夜间演出噪音太大，严重扰民，{want}规定结束时间",
        "夜间经济不能影响居民休息，噪音扰民要处罚",
    ), {}),
    Topic("明码标价", ("明码标价", "宰客", "欺诈"), (
        "{lead}一些商户不明码标价，存在宰客现象",
        "{want}严厉打击宰客欺诈行为，商品一律明码标价",
        "游客被宰客后维权难，{want}对欺诈商户列入黑名单",
        "餐饮店不明码标价，欺诈游客，{want}重罚",
    ), {}),
    Topic("个人信息", ("个人信息", "人脸识别", "隐私"), (
        "{lead}景区强制人脸识别，收集个人信息过多",
        "{want}规定景区不得强制人脸识别，保护游客隐私",
        "个人信息泄露风险大，{want}明确隐私保护责任",
        "入园要求登记过多个人信息，侵犯隐私，{want}限制",
    ), {}),
    Topic("老年游客", ("老年人", "现金", "人工窗口"), (
        "{lead}保留人工窗口，方便老年人购票",
        "很多老年人不会用手机，{want}景区必须收现金",
        "{want}设置老年人专用人工窗口，接受现金支付",
        "只能扫码不收现金，老年人很不方便，要保留人工窗口",
    ), {}),
    Topic("财政扶持", ("资金", "补贴", "财政"), (
        "{lead}设立旅游发展专项资金，加大财政补贴",
        "财政补贴资金发放不透明，{want}公开补贴标准",
        "{want}明确财政资金扶持的范围，补贴要落到实处",
        "专项资金太少，财政补贴门槛太高",
    ), {}),
    Topic("罚款数额", ("罚款", "处罚", "数额"), (
        "{lead}本条罚款数额太低，起不到处罚作用",
        "{want}提高罚款数额，加大处罚力度",
        "处罚太轻，罚款数额应当与违法所得挂钩",
        "{want}细化处罚情形，罚款数额要有梯度",
    ), {}),
    Topic("宠物管理", ("宠物", "犬只", "牵绳"), (
        "{lead}明确景区能否携带宠物，犬只必须牵绳",
        "游客带宠物进景区不牵绳，吓到小孩，{want}规范犬只管理",
        "{want}设立宠物友好区域，犬只要牵绳并清理粪便",
        "宠物伤人事件时有发生，犬只不牵绳应当处罚",
    ), {}),
    Topic("儿童免票", ("儿童", "免票", "身高"), (
        "{lead}儿童免票按年龄而不是按身高",
        "现在的孩子长得高，按身高免票不合理，{want}改为按年龄",
        "{want}扩大儿童免票范围，取消身高限制",
        "儿童免票标准各景区不一样，身高标准太低",
    ), {}),
    Topic("天气预警", ("天气", "预警", "暴雨"), (
        "{lead}遇到暴雨等恶劣天气要及时发布预警",
        "{want}建立天气预警机制，暴雨时及时关闭景区",
        "暴雨天气景区仍然开放很危险，预警信息发布不及时",
        "恶劣天气预警要通过短信通知游客，暴雨时停止售票",
    ), {}),
    Topic("志愿服务", ("志愿者", "志愿服务", "培训"), (
        "{lead}鼓励志愿者参与文明旅游宣传",
        "{want}建立旅游志愿服务队伍，加强志愿者培训",
        "志愿者缺少培训，志愿服务不规范",
        "{want}给予志愿者表彰，完善志愿服务激励机制",
    ), {}),
)

LEADS = ("建议", "我认为应当", "希望", "强烈建议", "", "大家反映，")
WANTS = ("建议", "希望", "应当", "请", "要求")
FILLERS = ("希望有关部门重视。", "请予以考虑。", "以上意见供参考。", "谢谢！", "建议尽快落实。",
           "这个问题群众反映很多。", "", "", "")


def comment(topic: Topic, rng: random.Random) -> str:
    """One comment of `topic`: a paraphrase template, a lead-in, and neutral words around it."""
    template = rng.choice(topic.templates)
    text = template.format(lead=rng.choice(LEADS), want=rng.choice(WANTS))
    if rng.random() < 0.4:  # a second sentence of the same point, in other words
        other = rng.choice(topic.templates).format(lead="", want=rng.choice(WANTS))
        text = f"{text}。{other}"
    return f"{text}。{rng.choice(FILLERS)}".replace("。。", "。")


def planted(n_groups: int, per_group: int, topics_per_group: int = 3, seed: int = 1,
            distinct: bool = True) -> list[tuple[int, int, str]]:
    """(group index, topic index, body) for `n_groups` groups (articles) of `per_group` comments each.

    `distinct`: every group gets topics no other group has (needs n_groups × topics_per_group ≤ 24);
    otherwise topics are drawn for each group and may recur across groups.
    """
    rng = random.Random(seed)
    out = []
    for group in range(n_groups):
        if distinct:
            chosen = list(range(group * topics_per_group, (group + 1) * topics_per_group))
        else:
            chosen = rng.sample(range(len(TOPICS)), topics_per_group)
        for i in range(per_group):
            topic = chosen[i % topics_per_group]
            out.append((group, topic, comment(TOPICS[topic], rng)))
    return out
