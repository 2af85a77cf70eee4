"""A worker asks the questions whose answers issue 10 corrected; each reply states the law in force in Beijing."""

from __future__ import annotations

import pytest

from intents import IntentId
from tests.support.conversation import Conversation


def test_a_44_hour_week_has_4_hours_of_overtime(worker: Conversation) -> None:
    reply = worker.say("我们一周干44个小时 算不算加班")
    assert "每周40小时" in reply.text
    assert "《国务院关于职工工作时间的规定》第三条" in reply.text
    assert "四十四小时" not in reply.text
    assert "《劳动法》第三十六条" not in reply.text


def test_asking_for_the_old_44_hour_article_says_it_was_replaced(worker: Conversation) -> None:
    reply = worker.say("劳动法第三十六条")
    assert "四十四小时" in reply.text  # the article is still quoted, as written
    assert "已由《国务院关于职工工作时间的规定》第三条取代" in reply.text


def test_told_to_go_at_retirement_age_the_worker_hears_of_the_2025_change(worker: Conversation) -> None:
    reply = worker.say("到退休岁数了公司让我走")
    assert "2025年1月1日起逐步延迟法定退休年龄" in reply.text
    assert "12333" in reply.text
    assert "按劳务关系处理，不按劳动关系处理" not in reply.text


def test_a_rehired_pensioner_is_not_told_it_is_always_a_service_relation(worker: Conversation) -> None:
    reply = worker.say("退休返聘算劳动关系吗")
    assert "已被2025年9月1日起施行的最高人民法院劳动争议司法解释（二）废止" in reply.text
    assert "12351" in reply.text


def test_double_wages_stop_at_the_end_of_the_first_year(worker: Conversation) -> None:
    reply = worker.say("入职三个月了公司还不签合同 能要二倍工资吗")
    assert "最多算到用工满一年的前一日" in reply.text
    assert "无固定期限劳动合同" in reply.text
    assert "时效是一年" in reply.text
    assert "《劳动合同法实施条例》第七条" in reply.text
    worker.say("干了两年都没签合同 双倍工资能要多少")  # the calculator asks for the monthly wage
    over_a_year = worker.say("八千")
    assert "最多算11个月" in over_a_year.text and "88,000元" in over_a_year.text


def test_contract_expiry_gives_beijings_30_days_notice(worker: Conversation) -> None:
    reply = worker.say("合同到期了公司不续 给补偿吗")
    assert "北京规定" in reply.text
    assert "提前30日书面通知" in reply.text
    assert "《北京市劳动合同规定》" in reply.text
    assert "劳动争议司法解释（二）" in reply.text


def test_maternity_leave_in_beijing_is_158_days_and_the_father_gets_15(worker: Conversation) -> None:
    reply = worker.say("北京生孩子产假一共多少天")
    assert "98天" in reply.text
    assert "北京规定" in reply.text
    assert "158天" in reply.text
    assert "陪产假15天" in reply.text
    assert "育儿假" in reply.text


def test_a_service_period_tied_to_a_hukou_is_flagged(worker: Conversation) -> None:
    reply = worker.say("单位帮我办了北京落户 没干满服务期走人要赔吗")
    assert "落户" in reply.text
    assert "劳动争议司法解释（二）" in reply.text
    assert "12333" in reply.text


def test_quitting_over_unpaid_wages_can_still_get_unemployment_benefit(worker: Conversation) -> None:
    reply = worker.say("因为公司欠薪我辞职了 能领失业保险金吗")
    assert "《劳动合同法》第三十八条" in reply.text
    assert "非因本人意愿中断就业" in reply.text
    assert "12333" in reply.text


def test_reinstatement_back_pay_points_to_the_new_interpretation(worker: Conversation) -> None:
    reply = worker.say("被违法辞退了 我想回去上班")
    assert "继续履行" in reply.text
    assert "中间这段时间的工资" in reply.text


def test_labour_inspection_stops_after_two_years(worker: Conversation) -> None:
    reply = worker.say("好几年前公司违法用工 现在还能去劳动监察举报吗")
    assert "2年内没被发现" in reply.text
    assert "《劳动保障监察条例》第二十条" in reply.text


def test_grade_5_injured_worker_may_leave_with_the_lump_sums(worker: Conversation) -> None:
    reply = worker.say("工伤评了五级 我想辞职能拿什么")
    assert "本人提出的也可以解除或终止劳动关系" in reply.text
    assert "一次性工伤医疗补助金" in reply.text


def test_a_private_home_renovation_goes_to_court_not_arbitration(worker: Conversation) -> None:
    reply = worker.say("给人家家里装修 房主是个人 干完活不给钱")
    assert reply.intent == IntentId.LABOR_LAW
    assert "不能申请劳动仲裁" in reply.text
    assert "人民法院起诉" in reply.text


@pytest.mark.parametrize("question", ["春节假期里调休的那几天上班给几倍", "过年加班算几倍工资"])
def test_swapped_spring_festival_days_are_rest_days_at_200_percent(worker: Conversation, question: str) -> None:
    reply = worker.say(question)
    assert "除夕、正月初一至初三" in reply.text
    assert "百分之三百" in reply.text
    assert "百分之二百" in reply.text


def test_the_statutory_holidays_include_new_years_eve_and_2_may(worker: Conversation) -> None:
    reply = worker.say("法定节假日都有哪几天")
    assert "除夕" in reply.text
    assert "5月1日、2日" in reply.text
    assert "《全国年节及纪念日放假办法》第二条" in reply.text


def test_union_legal_help_is_not_for_members_only(worker: Conversation) -> None:
    reply = worker.say("我不是会员 能找工会的律师吗")
    assert "不是会员也可以" in reply.text
    benefits = worker.say("入了工会有啥好处")
    assert "不分是不是会员" in benefits.text


def test_retirement_age_question_sends_the_worker_to_12333_without_guessing(worker: Conversation) -> None:
    reply = worker.say("延迟退休以后我到底哪年能退")
    assert reply.intent == IntentId.LABOR_LAW
    assert "渐进式延迟法定退休年龄" in reply.text
    assert "12333" in reply.text


def test_a_delivery_rider_hears_of_beijings_occupational_injury_pilot(worker: Conversation) -> None:
    reply = worker.say("送外卖路上被车撞了 平台说不管")
    assert "北京是国家新就业形态就业人员职业伤害保障的试点地区" in reply.text
    assert "12333" in reply.text


def test_a_rider_is_told_of_the_right_to_join_a_union(worker: Conversation) -> None:
    reply = worker.say("跑外卖的有没有什么权益保障")
    assert "《工会法》第三条" in reply.text


def test_sick_leave_protects_the_job_and_sends_to_12333_for_the_length(worker: Conversation) -> None:
    reply = worker.say("我生病住院了 公司能把我辞退吗")
    assert "医疗期" in reply.text
    assert "《劳动合同法》第四十二条" in reply.text
    assert "12333" in reply.text


def test_sick_pay_floor_is_beijings(worker: Conversation) -> None:
    reply = worker.say("病假工资最低能发多少钱")
    assert "北京规定" in reply.text
    assert "北京市最低工资标准的80%" in reply.text


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("入职体检要查怀孕 这合法吗", "《妇女权益保障法》第四十三条"),
        ("我是乙肝携带者 公司不录用我", "《就业促进法》第三十条"),
        ("招聘说不要农村户口的", "《就业促进法》第三十一条"),
    ],
)
def test_discrimination_is_answered_with_its_article(worker: Conversation, question: str, article: str) -> None:
    reply = worker.say(question)
    assert article in reply.text
    assert "人民法院提起诉讼" in reply.text


def test_housing_fund_is_not_optional(worker: Conversation) -> None:
    reply = worker.say("老板说公积金交不交随我们 是这样吗")
    assert "不是“自愿”的" in reply.text
    assert "5%" in reply.text
    assert "12329" in reply.text


# --- law review (docs/law_review.md): each correction as the worker meets it ---


def test_an_uninsured_injured_worker_hears_the_one_year_deadline(worker: Conversation) -> None:
    reply = worker.say("厂里没给我交工伤保险 我干活受伤了怎么办")
    assert "1年内可以直接申请" in reply.text
    assert "《工伤保险条例》第十七条" in reply.text


def test_past_the_inspection_bar_the_worker_can_still_go_to_arbitration(worker: Conversation) -> None:
    reply = worker.say("违法的事过了两年还能举报吗")
    assert "2年内没被发现" in reply.text
    assert "还可以申请劳动仲裁" in reply.text


def test_a_broken_union_mediation_agreement_goes_to_arbitration_or_a_payment_order(worker: Conversation) -> None:
    reply = worker.say("调解书签了公司不履行")
    assert "调解协议不能直接申请执行" in reply.text
    assert "支付令" in reply.text
    assert "《劳动争议调解仲裁法》第十六条" in reply.text


def test_a_bankrupt_employers_wages_go_through_the_administrator(worker: Conversation) -> None:
    reply = worker.say("公司破产了 欠我的工资还能拿到吗")
    assert "破产管理人" in reply.text
    assert "或者申请劳动仲裁" not in reply.text  # the route is said once


def test_pension_years_mention_the_2025_reform(worker: Conversation) -> None:
    reply = worker.say("养老保险要交多少年才能领")
    assert "十五年" in reply.text
    assert "最低缴费年限都逐步提高" in reply.text
    assert "12333" in reply.text


def test_an_injured_intern_is_not_promised_who_pays(worker: Conversation) -> None:
    reply = worker.say("实习期间受伤了谁管")
    assert "按各自的责任赔偿" in reply.text
    assert "都有责任" not in reply.text
    assert "就是劳动关系" not in reply.text


def test_a_rulebook_does_not_make_a_fine_lawful(worker: Conversation) -> None:
    reply = worker.say("单位可以罚员工钱吗")
    assert "没有合法依据的罚款、扣钱，就是克扣工资" in reply.text
    assert "必须有合法的规章制度" not in reply.text


def test_housing_fund_rate_is_of_the_workers_own_wage(worker: Conversation) -> None:
    reply = worker.say("公积金缴费比例是多少")
    assert "不得低于您上一年度月平均工资的5%" in reply.text


def test_a_father_hears_beijings_15_days(worker: Conversation) -> None:
    reply = worker.say("老婆生孩子我能休几天假")
    assert "北京规定" in reply.text
    assert "陪产假15天" in reply.text
    assert "没有规定" not in reply.text


def test_a_worker_pushed_out_before_retirement_hears_the_deadline(worker: Conversation) -> None:
    reply = worker.say("没到岁数单位逼我办退休")
    assert "时效是一年" in reply.text


def test_severance_menu_says_the_three_figures_are_alternatives(worker: Conversation) -> None:
    worker.say("我干了五年零三个月，月薪八千，公司把我辞退了，能赔多少")
    result = worker.say("说不清楚")
    assert "只对应其中一种" in result.text
    assert "因生病、不能胜任、情况变化解除，又没提前三十日通知的" in result.text
    assert "不再另加" in result.text


def test_no_notice_result_warns_that_no_reason_at_all_is_unlawful(worker: Conversation) -> None:
    reply = worker.say("公司没提前通知就把我辞退了，干了两年，工资六千，能赔多少")
    assert "18,000元" in reply.text
    assert "可能是违法辞退" in reply.text


def test_lawful_termination_says_when_no_compensation_is_owed(worker: Conversation) -> None:
    reply = worker.say("我干了三年，月薪六千，协商解除，能拿多少补偿")
    assert "18,000元" in reply.text
    assert "协商解除是您自己先提出的" in reply.text
    assert "《劳动合同法》第四十六条" in reply.text


def test_unlawful_result_says_damages_replace_compensation(worker: Conversation) -> None:
    worker.say("公司把我辞退了，能赔多少")
    worker.say("五年零三个月")
    worker.say("八千")
    reply = worker.say("1")
    assert "88,000元" in reply.text
    assert "不再另拿经济补偿" in reply.text
    assert "2008年1月1日以前" not in reply.text


def test_service_from_before_2008_is_flagged_for_compensation(worker: Conversation) -> None:
    worker.say("公司裁员 我干了二十年 能拿多少补偿")
    reply = worker.say("六千")
    assert "114,000元" in reply.text  # only the 18 years 10 months since 2008 (19 × 6000) are priced …
    assert "120,000元" not in reply.text
    assert "2008年以前干的" in reply.text  # … the years before follow the rules of that time
    assert "《劳动合同法》第九十七条" in reply.text


def test_untaken_leave_refusal_needs_leave_offered_first(worker: Conversation) -> None:
    worker.say("今年5天年假没休 单位该给多少钱")
    reply = worker.say("八千")
    assert "单位安排了年假、您因自己的原因书面提出不休的" in reply.text


def test_injury_grant_is_paid_by_an_uninsured_employer(worker: Conversation) -> None:
    worker.say("工伤评了九级 能赔多少")
    reply = worker.say("六千")
    assert "54,000元" in reply.text  # 9 × 6000
    assert "由单位按同样标准付" in reply.text


def test_weekday_overtime_counted_in_whole_days_is_flagged(worker: Conversation) -> None:
    reply = worker.say("平时下班后加班4天 月薪八千 加班费多少")
    assert "每天延长最多三小时" in reply.text
    assert "《劳动法》第四十一条" in reply.text
