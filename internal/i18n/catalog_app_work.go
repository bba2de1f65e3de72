package i18n

// appWorkMessages: the field app's orders, re-inspections, look-back
// tasks and chainage (issue 12's second slice), kept apart from
// appMessages so the two slices change different files.
var appWorkMessages = map[Key]map[Lang]string{
	"app.work.orders":         m("整改通知", "Rectification orders"),
	"app.work.none_orders":    m("没有待回复的整改通知。", "No orders waiting for your response."),
	"app.work.deadline":       m("期限：", "Deadline: "),
	"app.work.respond":        m("回复整改", "Respond"),
	"app.work.reinspections":  m("待复查", "Re-inspections due"),
	"app.work.none_reinspect": m("没有待复查的整改。", "No re-inspections due."),
	"app.work.reinspect":      m("复查", "Re-inspect"),
	"app.work.tasks":          m("回头看任务", "Look-back tasks"),
	"app.work.none_tasks":     m("没有分配给你的回头看任务。", "No look-back tasks assigned to you."),
	"app.work.do_task":        m("检查", "Inspect"),
	"app.respond.heading":     m("回复整改通知", "Respond to the order"),
	"app.respond.text":        m("整改情况", "What was done"),
	"app.respond.photos":      m("整改后照片", "Photos after the work"),
	"app.respond.save":        m("保存回复", "Save the response"),
	"app.respond.need":        m("请填写整改情况并附照片。", "Describe the work and attach photos."),
	"app.respond.queued":      m("回复", "Response"),
	"app.new.chainage":        m("桩号 %s（%s，距路中线 %s 米）", "Chainage %s (%s, %s m from the centreline)"),
	"app.new.off_road":        m("距道路超过 5 公里，无桩号。", "More than 5 km from the road: no chainage."),
	"app.new.for_order":       m("复查整改通知 ", "Re-inspects order "),
	"app.new.for_task":        m("回头看任务", "Look-back task"),
}
