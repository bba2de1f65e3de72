package i18n

// consoleMessages: the office console (internal/console). Keys start with
// "console."; page titles are "console.title.<template>"; error pages
// look up "console.error.<code>" and fall back to "console.status.<N00>";
// "console.done.<what>" is the notice after a successful action.
var consoleMessages = map[Key]map[Lang]string{
	"console.brand":         m("工程督查", "fieldproof"),
	"console.nav.label":     m("主菜单", "Main menu"),
	"console.nav.queue":     m("审核队列", "Review queue"),
	"console.nav.orders":    m("整改看板", "Rectification"),
	"console.nav.projects":  m("项目", "Projects"),
	"console.nav.dashboard": m("统计", "Dashboard"),
	"console.nav.exports":   m("导出与证据", "Exports & evidence"),
	"console.signout":       m("退出", "Sign out"),

	"console.title.signin":   m("登录", "Sign in"),
	"console.title.password": m("修改密码", "Change password"),
	"console.title.error":    m("出错了", "Something went wrong"),

	"console.signin.heading":  m("登录工程督查平台", "Sign in to fieldproof"),
	"console.signin.username": m("用户名", "Username"),
	"console.signin.password": m("密码", "Password"),
	"console.signin.submit":   m("登录", "Sign in"),

	"console.password.heading": m("修改密码", "Change your password"),
	"console.password.must":    m("首次登录或密码被重置后，须先修改密码。", "You must change your password before going on."),
	"console.password.current": m("当前密码", "Current password"),
	"console.password.new":     m("新密码（至少 10 个字符）", "New password (at least 10 characters)"),
	"console.password.confirm": m("再次输入新密码", "New password again"),
	"console.password.submit":  m("修改密码", "Change password"),

	"console.done.signed_out":       m("已退出。", "Signed out."),
	"console.done.password_changed": m("密码已修改，请用新密码重新登录。", "Password changed; sign in with the new one."),

	"console.error.heading":                  m("出错了：", "Error"),
	"console.error.home":                     m("返回首页", "Back to the console"),
	"console.error.csrf_failed":              m("表单安全校验未通过（可能来自其他网站，或页面已过期）。请刷新页面后重试。", "The form's security check failed (it may have come from another site, or the page is stale). Reload the page and try again."),
	"console.error.invalid_credentials":      m("用户名或密码错误。", "Wrong username or password."),
	"console.error.too_many_login_attempts":  m("登录失败次数过多，请稍后再试。", "Too many failed sign-ins; try again later."),
	"console.error.session_ended":            m("登录已失效，请重新登录。", "Your session has ended; sign in again."),
	"console.error.password_mismatch":        m("两次输入的新密码不一致。", "The two new passwords differ."),
	"console.error.password_change_required": m("请先修改密码。", "Change your password first."),
	"console.error.internal":                 m("服务器内部错误，请联系管理员并提供请求编号。", "An internal error occurred; quote the request id to the administrator."),
	"console.status.400":                     m("请求有误。", "The request was not valid."),
	"console.status.500":                     m("服务暂时不可用，请稍后再试。", "The service is unavailable; try again later."),
	"console.status.200":                     m("完成。", "Done."),
	"console.status.300":                     m("页面已移动。", "The page has moved."),
	"console.error.forbidden":                m("您没有权限进行此操作。", "You may not do this."),
	"console.error.not_found":                m("找不到该对象，或您无权查看。", "Not found, or not yours to see."),
	"console.error.validation_failed":        m("输入有误，请检查标出的字段。", "Some fields are not valid; see below."),
	"console.error.page_not_found":           m("没有这个页面。", "There is no such page."),
	"console.error.conflict":                 m("该对象已被他人修改，请刷新后重试。", "Someone changed this meanwhile; reload and try again."),
}
