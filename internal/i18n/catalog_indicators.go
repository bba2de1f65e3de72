package i18n

// indicatorMessages: assessment indicators (考核指标) and schedule status
// (序时进度) — the status names every client shows ("schedule_status.<s>",
// the API's codes; DOMAIN.md's wording), and the console's indicator
// table on the project page, the list's status column and the dashboard's
// chart.
var indicatorMessages = map[Key]map[Lang]string{
	"schedule_status.stalled":     m("停滞", "stalled"),
	"schedule_status.behind":      m("慢序时", "behind"),
	"schedule_status.on_schedule": m("按序时", "on schedule"),
	"schedule_status.not_started": m("未开工", "not started"),
	"schedule_status.ahead":       m("超序时", "ahead"),
	"schedule_status.completed":   m("已完成", "completed"),

	"console.schedule.status":    m("序时进度", "Schedule status"),
	"console.schedule.gap":       m("%+.1f 个百分点", "%+.1f points"),
	"console.schedule.any":       m("全部", "Any"),
	"console.schedule.rule":      m("序时进度：每个考核指标按计划（按工期匀速或按月累计比例）计算到今天应完成的比例，与实际完成比例相比；项目取最差的指标。低于序时为慢序时，超出 10 个百分点以上为超序时，工期过半仍无进度为停滞。", "Schedule status: each indicator's share done is compared with the share its plan (even over the schedule, or cumulative monthly shares) wants by today; a project takes its worst indicator. Below the plan is behind, 10 points or more above it is ahead, nothing done with half the schedule gone is stalled."),
	"console.dashboard.schedule": m("项目序时进度", "Projects by schedule status"),

	"console.indicators.title":       m("考核指标", "Assessment indicators"),
	"console.indicators.name":        m("指标", "Indicator"),
	"console.indicators.target":      m("目标", "Target"),
	"console.indicators.value":       m("已完成", "Done"),
	"console.indicators.planned":     m("序时应完成", "Due by now"),
	"console.indicators.reported":    m("实际完成", "Done (share)"),
	"console.indicators.gap":         m("差距", "Gap"),
	"console.indicators.plan":        m("计划", "Plan"),
	"console.indicators.linear":      m("按工期匀速", "even over the schedule"),
	"console.indicators.no_dates":    m("无计划工期", "no planned dates"),
	"console.indicators.edit":        m("修改", "Edit"),
	"console.indicators.unit":        m("单位", "Unit"),
	"console.indicators.plan_field":  m("月度计划（可不填）", "Monthly plan (optional)"),
	"console.indicators.plan_help":   m("按月累计应完成的比例，如 2026-06:60;2026-09:100（6月底完成六成，9月底全部完成）；不填则按计划工期匀速推进。", "Cumulative share due by each month's end, e.g. 2026-06:60;2026-09:100 (sixty per cent by the end of June, all by September); empty means even progress over the schedule."),
	"console.indicators.save":        m("保存", "Save"),
	"console.indicators.delete":      m("删除此指标", "Delete this indicator"),
	"console.indicators.add":         m("新增考核指标", "Add an indicator"),
	"console.indicators.add_submit":  m("新增", "Add"),
	"console.done.indicator_saved":   m("考核指标已保存，序时进度已重新计算。", "Indicator saved; the schedule status is recomputed."),
	"console.done.indicator_deleted": m("考核指标已删除。", "Indicator deleted."),
	"console.indicators.first":       m("随项目目标（在项目信息中修改）", "follows the project's target (edit it on the project)"),
}
