"""Workers asking with their own numbers, over one message or several, through the whole pipeline."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bot.app import Services
from bot.config import RegionSettings, Settings
from intents import IntentId, Matcher
from knowledge import KnowledgeBase
from tests.conftest import make_services
from tests.support.clock import FixedClock
from tests.support.conversation import Conversation


def test_dismissed_worker_gives_facts_over_several_messages(worker: Conversation) -> None:
    first = worker.say("公司把我辞退了，能赔多少")
    assert first.intent == IntentId.LABOR_LAW
    assert "干了多久" in first.text
    assert "干了多久" in worker.say("五年多").text  # the months decide between half a month and a whole one
    assert "平均每月工资" in worker.say("五年零三个月").text
    assert "怎么跟您解除" in worker.say("八千").text
    reply = worker.say("1")
    assert reply.intent == IntentId.LABOR_LAW
    assert "88,000元" in reply.text  # 2N = 2 × 5.5 × 8000
    assert "5.5 × 8,000元 × 2" in reply.text
    assert "《劳动合同法》第八十七条" in reply.text
    assert "奖金、补贴，也要算进平均工资" in reply.text
    assert "继续履行" in reply.text
    assert [button.label for button in reply.buttons] == ["申请调解", "转人工"]


def test_all_facts_in_one_message_asks_only_how_it_ended(worker: Conversation) -> None:
    reply = worker.say("我干了五年零三个月，月薪八千，公司把我辞退了，能赔多少")
    assert "怎么跟您解除" in reply.text
    assert "干了多久" not in reply.text
    result = worker.say("说不清楚")
    assert "44,000元" in result.text  # N
    assert "52,000元" in result.text  # N+1
    assert "88,000元" in result.text  # 2N
    assert "本站还没录入本地这个数" in result.text  # the cap cannot be checked without the local average


def test_no_notice_adds_a_month(worker: Conversation) -> None:
    reply = worker.say("公司没提前通知就把我辞退了，干了两年，工资六千，能赔多少")
    assert "18,000元" in reply.text  # 2 × 6000 + 6000
    assert "代通知金" in reply.text
    assert "《劳动合同法》第四十条" in reply.text


def test_wrong_answer_is_asked_again_and_cancel_leaves(worker: Conversation) -> None:
    worker.say("被裁员了帮我算算能拿多少补偿")
    reask = worker.say("不太记得")
    assert "没看明白" in reask.text
    assert "干了多久" in reask.text
    left = worker.say("算了")
    assert "不算了" in left.text
    assert worker.say("你好").intent == IntentId.GREETING


def test_double_wages_with_arabic_and_chinese_numbers(worker: Conversation) -> None:
    reply = worker.say("入职八个月没签合同能要多少")
    assert "每月工资" in reply.text
    result = worker.say("两万三")
    assert "161,000元" in result.text  # 7 × 23000
    assert "最多算11个月" in result.text
    assert "《劳动合同法》第八十二条" in result.text
    assert "《劳动合同法实施条例》第六条" in result.text


def test_double_wages_stop_at_eleven_months(worker: Conversation) -> None:
    reply = worker.say("干了两年一直没签合同，月薪5000，能要多少二倍工资")
    assert "55,000元" in reply.text
    assert "无固定期限劳动合同" in reply.text


def test_overtime_on_rest_days(worker: Conversation) -> None:
    reply = worker.say("周末加了4天班没补休，月薪8000，加班费该给多少")
    assert "2,942.53元" in reply.text
    assert "÷ 21.75天" in reply.text
    assert "200%" in reply.text
    assert "劳社部发〔2008〕3号" in reply.text


def test_overtime_asks_what_is_missing(worker: Conversation) -> None:
    assert "哪种加班" in worker.say("我加了20个小时班，帮我算算加班费").text
    assert "每月工资" in worker.say("平时下班后").text
    result = worker.say("8700")
    assert "1,500元" in result.text  # 20 × 50 × 150 %


def test_rule_questions_without_numbers_keep_the_faq_answer(worker: Conversation) -> None:
    for question, fact in (("周末加班给多少钱", "补休"), ("产假有多少天", "98天"), ("加班费怎么算", "百分之一百五十")):
        reply = worker.say(question)
        assert fact in reply.text
        assert "我帮您算一算" not in reply.text


def test_annual_leave_days_and_the_twenty_year_boundary(worker: Conversation) -> None:
    assert "每年带薪年休假是5天" in worker.say("我工作八年了年假有几天").text
    assert "每年带薪年休假是15天" in worker.say("我工作二十年了，年假有几天").text
    assert "每年带薪年休假是10天" in worker.say("工作十九年多了年假几天").text


def test_untaken_leave_pay(worker: Conversation) -> None:
    reply = worker.say("今年年假没休，能拿多少钱")
    assert "几天年假没休" in reply.text
    assert "月工资" in worker.say("5天").text
    result = worker.say("一万")
    assert "6,896.55元" in result.text
    assert "4,597.70元" in result.text
    assert "《企业职工带薪年休假实施办法》第十条" in result.text


def test_injury_grant_and_deadlines(worker: Conversation) -> None:
    reply = worker.say("工伤评了九级伤残，能赔多少")
    assert "9个月的本人工资" in reply.text  # the rule at once, before the question about the wage
    assert "十二个月" in reply.text
    result = worker.say("五千")
    assert "45,000元" in result.text
    assert "30日内" in result.text and "1年内" in result.text
    assert "《工伤保险条例》第十七条" in result.text


def test_a_level_not_yet_assessed_gets_no_rule_before_the_questions(worker: Conversation) -> None:
    reply = worker.say("工伤了帮我算算能赔多少钱")
    assert "个月的本人工资" not in reply.text
    assert "几级伤残" in reply.text


def test_maternity_with_twins(worker: Conversation) -> None:
    assert "顺产还是难产" in worker.say("生了双胞胎，产假能休多少天").text
    result = worker.say("难产")
    assert "128天" in result.text
    assert "《女职工劳动保护特别规定》第七条" in result.text


def test_a_traffic_accident_is_not_a_labour_calculation(worker: Conversation) -> None:
    reply = worker.say("电动车撞人十级伤残赔偿金是多少")
    assert "算法：" not in reply.text
    assert "我帮您算一算" not in reply.text


def test_births_named_in_the_first_message_are_not_asked_again(worker: Conversation) -> None:
    reply = worker.say("顺产生了一个女儿，产假能休几天")
    assert "产假是98天" in reply.text
    assert "几个宝宝" not in reply.text
    twins = Conversation(worker.services, user="w2").say("难产生了龙凤胎，帮我算下产假")
    assert "产假是128天" in twins.text  # 98 + 15 difficult + 15 for the second baby


def test_a_second_child_is_not_twins(worker: Conversation) -> None:
    reply = worker.say("生二胎了，顺产，产假多少天")
    assert "几个宝宝" in reply.text
    assert "113天" not in reply.text
    assert "产假是98天" in worker.say("一个").text


def test_double_wages_end_the_day_before_a_late_signing(worker: Conversation) -> None:
    reply = worker.say("2024年3月入职，2024年11月才补签的合同，月薪6000，二倍工资能拿多少")
    assert "42,000元" in reply.text  # months 2 to 8: 7 × 6000
    assert "入职8个月后才补签" in reply.text
    assert "无固定期限" not in reply.text
    late = Conversation(worker.services, user="w2").say("干了八个月老板才补签合同，工资五千，能要多少双倍工资")
    assert "35,000元" in late.text
    yearless = Conversation(worker.services, user="w3").say("去年10月进厂，今年3月才签的合同，工资5500，双倍工资能拿多少")
    assert "22,000元" in yearless.text  # five months without: months 2 to 5


def test_a_wage_next_to_another_number_is_read_alone(worker: Conversation) -> None:
    reply = worker.say("3月份进厂的，老板一直不跟我签合同，工资4500，二倍工资能要多少")
    assert "4,500元" in reply.text  # not 45,002 from "4500，二倍"
    assert "干了多久" not in reply.text and "多少个月" not in reply.text


def test_no_contract_and_a_dismissal_are_both_computed(worker: Conversation) -> None:
    first = worker.say("一直没签劳动合同，做了一年半被老板开除了，工资八千，能赔多少")
    assert "两件事" in first.text
    assert "怎么跟您解除" in first.text  # the dismissal first: that is what "能赔多少" asks
    both = worker.say("1")
    assert "32,000元" in both.text  # 2N: one and a half years → 2 months × 8000 × 2
    assert "接着算没签合同的二倍工资" in both.text
    assert "88,000元" in both.text  # eleven months × 8000, without asking the wage again
    assert "每月工资大概多少" not in both.text
    assert both.text.count("以上是按您给的数字估算的") == 1
    assert [button.label for button in both.buttons] == ["申请调解", "转人工"]


def test_a_second_calculation_can_be_declined(worker: Conversation) -> None:
    worker.say("干了三年，加班费也没给过，现在被辞退了，月薪六千，能赔多少")
    second = worker.say("3")
    assert "18,000元" in second.text  # N = 3 × 6000
    assert "接着算加班费" in second.text and "哪种加班" in second.text
    assert "不算了" in worker.say("算了").text


def test_years_before_2008_are_not_priced_by_todays_rule(worker: Conversation) -> None:
    reply = worker.say("在厂里干了二十年，月薪六千，厂里跟我协商解除，能拿多少补偿")
    assert "114,000元" in reply.text  # only the 18 years 10 months since 2008: 19 × 6000
    assert "2008年以后工作18年10个月" in reply.text
    assert "1年2个月是2008年以前干的" in reply.text
    assert "《劳动合同法》第九十七条" in reply.text
    assert "120,000元" not in reply.text  # never 20 × 6000 as if the old years counted the same
    assert "转人工" in [button.label for button in reply.buttons]


def test_damages_for_unlawful_dismissal_count_from_the_first_day(worker: Conversation) -> None:
    reply = worker.say("在厂里干了二十年，月薪六千，老板无缘无故把我辞退了，能赔多少")
    assert "240,000元" in reply.text  # 2 × 20 × 6000
    assert "《劳动合同法实施条例》第二十五条" in reply.text


def test_a_start_year_before_2008_is_asked_for_the_exact_length(worker: Conversation) -> None:
    reply = worker.say("我2005年进厂的，被辞退了，工资五千，能赔多少")
    assert "干了多久" in reply.text
    result = worker.say("二十一年")
    assert "怎么跟您解除" in result.text
    assert "2008年以前干的" in worker.say("协商解除").text


@pytest.mark.parametrize(
    ("question", "rule"),
    [("能要二倍工资吗", "二倍"), ("评了五级能拿什么", "五级18个月"), ("我干了八年被开除了有补偿吗", "每满一年支付一个月工资")],
)
def test_yes_no_questions_get_the_rule_not_a_form(worker: Conversation, question: str, rule: str) -> None:
    reply = worker.say(question)
    assert rule in reply.text
    assert "我帮您算一算" not in reply.text and "两件事" not in reply.text


@pytest.fixture
def local_services(
    settings: Settings, sqlite_engine: Engine, kb: KnowledgeBase, matcher: Matcher, clock: FixedClock
) -> Services:
    region = RegionSettings(
        name="测试市",
        average_monthly_wage=10000,
        average_monthly_wage_year=2024,
        average_monthly_wage_source="测试市人社局公告",
        maternity_extra_days=60,
        maternity_extra_days_year=2024,
        maternity_extra_days_source="测试市条例",
    )
    return make_services(settings.model_copy(update={"region": region}), sqlite_engine, kb, matcher, clock)


def test_cap_names_the_year_and_source_it_used(local_services: Services) -> None:
    worker = Conversation(local_services)
    reply = worker.say("干了二十年，月薪五万，公司协商解除，能拿多少补偿")
    assert "360,000元" in reply.text  # 12 × 3 × 10000
    assert "测试市2024年" in reply.text
    assert "测试市人社局公告" in reply.text


def test_local_maternity_days(local_services: Services) -> None:
    worker = Conversation(local_services)
    worker.say("产假能休多少天，帮我算算")
    worker.say("顺产")
    assert "一共158天" in worker.say("一个").text


def test_a_figure_without_year_or_source_is_refused() -> None:
    with pytest.raises(ValueError, match="average_monthly_wage_year"):
        RegionSettings(average_monthly_wage=10000)
