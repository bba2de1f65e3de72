package i18n

// consoleQueueMessages: the review queue (console/queue.go) and the names
// of the flags the office reviews ("flag.<name>", as the API spells them).
var consoleQueueMessages = map[Key]map[Lang]string{
	"console.title.queue":               m("审核队列", "Review queue"),
	"console.queue.heading":             m("待审核的检查", "Checks awaiting review"),
	"console.queue.filter":              m("筛选", "Filter"),
	"console.queue.flag":                m("标记", "Flag"),
	"console.queue.any":                 m("全部", "Any"),
	"console.queue.project":             m("项目", "Project"),
	"console.queue.project_hint":        m("编号或名称", "code or name"),
	"console.error.project_not_matched": m("没有找到与输入相符的项目，请输入项目编号或名称。", "No project of yours matches; type its code or name."),
	"console.error.project_ambiguous":   m("有多个项目与输入相符，请输入完整的项目编号。", "Several projects match; type the project's full code."),
	"console.queue.township":            m("乡镇", "Township"),
	"console.queue.unit":                m("责任单位", "Responsible unit"),
	"console.queue.author":              m("检查人", "Inspector"),
	"console.queue.from":                m("检查日期自", "Captured from"),
	"console.queue.to":                  m("检查日期至", "Captured until"),
	"console.queue.apply":               m("筛选", "Apply"),
	"console.queue.clear":               m("清除筛选", "Clear"),
	"console.queue.type":                m("检查类型", "Check type"),
	"console.queue.result":              m("结论", "Result"),
	"console.queue.flags":               m("待审标记", "Flags to decide"),
	"console.queue.captured":            m("检查时间", "Captured"),
	"console.queue.photos":              m("照片数", "Photos"),
	"console.queue.empty":               m("没有符合条件的待审核检查。", "No checks awaiting review match."),
	"console.queue.paging":              m("翻页", "Pages"),
	"console.queue.next":                m("下一页", "Next page"),
	"console.queue.first":               m("第一页", "First page"),
}
