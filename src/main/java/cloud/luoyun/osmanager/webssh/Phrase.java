package cloud.luoyun.osmanager.webssh;

/**
 * Everything the terminal itself says, in English and Chinese ({@link java.util.Formatter}
 * patterns; {@code %1$s} where the languages order the arguments differently). The sshd's own
 * text (banner, PAM prompts) is shown as it comes, in the language of the host's locale; causes
 * from the operating system (e.g. "Connection refused") stay as the JDK words them.
 */
enum Phrase {
  LOGIN_PROMPT("login: ", "用户名："),
  INVALID_USER_NAME("Invalid user name.", "用户名无效。"),
  TOO_MANY_FAILURES_WAIT("Too many failed logins from your address; try again in %s s.",
      "你的地址登录失败次数过多，请 %s 秒后再试。"),
  TOO_MANY_FAILURES_OVERALL_WAIT("Too many failed logins to this terminal lately; try again in %s s.",
      "最近这个终端的登录失败次数过多，请 %s 秒后再试。"),
  TOO_MANY_FAILURES("Too many failed logins; wait a while before trying again.", "登录失败次数过多，请稍后再试。"),
  PASSWORD_PROMPT("%s's password: ", "%s 的密码："),
  NEW_PASSWORD_PROMPT("New password: ", "新密码："),
  TRY_AGAIN("Permission denied, please try again.", "登录被拒绝，请重试。"),
  PERMISSION_DENIED("Permission denied.", "登录被拒绝。"),
  NO_LOGIN_METHOD("Permission denied: the SSH server offers no password or keyboard-interactive login for this user.",
      "登录被拒绝：SSH 服务器没有为此用户提供密码或键盘交互式登录。"),
  LOGIN_CANCELLED("Login cancelled.", "已取消登录。"),
  LOGIN_FAILED("Login failed: %s", "登录失败：%s"),
  UNREACHABLE("Cannot reach the SSH server at %s: %s", "无法连接到 SSH 服务器 %s：%s"),
  CLOSED_BEFORE_LOGIN("The SSH server closed the connection before the login: %s",
      "SSH 服务器在登录前关闭了连接：%s"),
  SHELL_REFUSED("The SSH server refused to open a shell: %s", "SSH 服务器拒绝打开 shell：%s"),
  CANNOT_OPEN_SHELL("Cannot open a shell: %s", "无法打开 shell：%s"),
  CLIENT_CANNOT_START("The SSH client cannot start: %s", "SSH 客户端无法启动：%s"),
  HOST_KEY_NOT_OURS("The SSH server at %s presented the host key %s, which is not one of this host's keys in %s. "
      + "Someone may be impersonating the sshd. Refusing to log in.",
      "SSH 服务器 %s 出示的主机密钥 %s 不是本机 %s 中的密钥。可能有人在冒充 sshd。拒绝登录。"),
  HOST_KEY_UNKNOWN_KIND("The SSH server offered a host key of an unknown kind; refusing to log in.",
      "SSH 服务器出示了未知类型的主机密钥，拒绝登录。"),
  HOST_KEY_CHANGED("The SSH server's host key has CHANGED (it is now %1$s; pinned on first use: %2$s). Someone may "
      + "be intercepting the connection, or the server was reinstalled. Refusing to log in. If the change is "
      + "expected, delete line %3$s of %4$s.",
      "SSH 服务器的主机密钥已经改变（现在是 %1$s；首次使用时记下的是 %2$s）。可能有人在截取连接，也可能服务器"
      + "已重新安装。拒绝登录。如果这一改变在预料之中，请删除 %4$s 的第 %3$s 行。"),
  HOST_KEY_UNCHECKABLE("Cannot check the SSH server's host key (%s: %s); refusing to log in.",
      "无法检查 SSH 服务器的主机密钥（%s：%s），拒绝登录。"),
  SHELL_EXITED("the shell exited with status %s", "shell 已退出，状态码 %s"),
  SHELL_KILLED("the shell was killed by SIG%s", "shell 被信号 SIG%s 终止"),
  CONNECTION_CLOSED("the SSH connection closed", "SSH 连接已关闭"),
  ENDED_PRESS_ENTER("[%s] Press Enter to log in again.", "[%s] 按回车键重新登录。"),
  PREVIOUS_SESSION_ENDED("[the previous terminal session has ended]", "[上一个终端会话已经结束]"),
  SESSION_ENDED("[this terminal session has ended]", "[这个终端会话已经结束]"),
  SESSION_CLOSED("[terminal session closed]", "[终端会话已关闭]"),
  OPENED_ELSEWHERE("[this terminal was opened in another window]", "[这个终端已在另一个窗口中打开]"),
  IDLE_LOGOUT("[logged out: no input for %s]", "[已登出：%s 没有输入]"),
  MINUTES("%s min", "%s 分钟"),
  SECONDS("%s s", "%s 秒"),
  TOO_MANY_SESSIONS("Too many terminal sessions are open (at most %s). Try again later.",
      "打开的终端会话太多（最多 %s 个），请稍后再试。"),
  TOO_MANY_WAITING("Too many terminals from your address are waiting for a login (at most %s). Close one and "
      + "try again.", "你的地址有太多终端在等待登录（最多 %s 个），请关闭一个后再试。"),
  LOGIN_TIMEOUT("[no login within %s]", "[%s内未登录]"),
  OTHER_ADDRESS("[that terminal session was opened from another address: log in here]",
      "[那个终端会话是从另一个地址打开的，请在这里登录]"),
  STOPPING("[the web terminal is stopping]", "[网页终端正在停止]");

  private final String english;
  private final String chinese;

  Phrase(String english, String chinese) {
    this.english = english;
    this.chinese = chinese;
  }

  String pattern(TerminalLanguage language) {
    return language == TerminalLanguage.ZH ? chinese : english;
  }
}
