package i18n

// consoleCircularsMessages: the console's monthly circular screen
// (督查通报). The circular's own words (figures, tables, statuses) are
// circularMessages, shared with its PDF and CSV so that the screen and the
// document say the same.
var consoleCircularsMessages = map[Key]map[Lang]string{
	"console.nav.circulars":              m("月度通报", "Monthly circular"),
	"console.title.circulars":            m("月度督查通报", "Monthly supervision circular"),
	"console.circulars.period":           m("通报月份", "Month"),
	"console.circulars.prev":             m("‹ 上月", "‹ Previous month"),
	"console.circulars.next":             m("下月 ›", "Next month ›"),
	"console.circulars.show":             m("查看", "Show"),
	"console.circulars.preview":          m("通报预览", "Preview"),
	"console.circulars.preview_note":     m("预览稿未发布，数据为当前计算结果。", "A preview is not published; its figures are computed now."),
	"console.circulars.download_preview": m("下载预览", "Download preview"),
	"console.circulars.publish":          m("发布通报", "Publish"),
	"console.circulars.publish_confirm":  m("确定发布%s督查通报吗？发布后不可修改；再次发布将生成新的版本。", "Publish the circular of %s? A published circular cannot be changed; publishing again makes a new version."),
	"console.circulars.just":             m("已发布第 %d 版。", "Version %d published."),
	"console.circulars.to_published":     m("查看已发布版本", "See the published versions"),
	"console.circulars.just_hash":        m("SHA-256（PDF）：", "SHA-256 (PDF): "),
	"console.circulars.label":            m("%s：", "%s: "),
	"console.circulars.sep":              m("、", ", "),
	"console.circulars.ref":              m("%s（%s）", "%s (%s)"),
	"console.circulars.published":        m("已发布版本", "Published versions"),
	"console.circulars.none_published":   m("本月尚未发布通报。", "No circular of this month has been published."),
	"console.circulars.more":             m("仅列出最近 %d 个版本。", "Only the latest %d versions are listed."),
	"console.circulars.col.version":      m("版本", "Version"),
	"console.circulars.col.published_at": m("发布时间", "Published"),
	"console.circulars.col.by":           m("发布人", "By"),
	"console.circulars.col.as_of":        m("序时截至", "As of"),
	"console.circulars.col.sha256":       m("SHA-256（PDF）", "SHA-256 (PDF)"),
	"console.circulars.col.files":        m("下载", "Files"),
	"console.circulars.col.projects":     m("项目数", "Projects"),
	"console.circulars.fig.projects":     m("序时进度", "Schedule"),
	"console.circulars.fig.reports":      m("月报报送", "Monthly reports"),
	"console.circulars.fig.orders":       m("整改通知", "Rectification orders"),
	"console.circulars.fig.look_back":    m("回头看", "Look-back"),
}
