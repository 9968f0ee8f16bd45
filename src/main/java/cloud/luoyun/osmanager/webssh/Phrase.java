package cloud.luoyun.osmanager.webssh;

/**
 * Everything the terminal itself says, in English and Chinese ({@link java.util.Formatter}
 * patterns; {@code %1$s} where the languages order the arguments differently). The sshd's own
 * text (banner, PAM prompts) is shown as it comes, in the language of the host's locale; causes
 * from the operating system (e.g. "Connection refused") stay as the JDK words them.
 */
enum Phrase {
  LOGIN_PROMPT("login: ", "用户名："),
  NAME_EMPTY("A file name cannot be empty.", "文件名不能为空。"),
  NAME_DOTS("A file cannot be named \".\" or \"..\".", "文件不能命名为 \".\" 或 \"..\"。"),
  NAME_CHARACTERS("A file name cannot hold /, \\ or control characters.", "文件名不能包含 /、\\ 或控制字符。"),
  NAME_TOO_LONG("The file name is longer than 255 bytes.", "文件名超过 255 字节。"),
  NO_FREE_NAME("No free name for a copy of %s in this folder.", "这个文件夹中没有可用于 %s 副本的名称。"),
  FILES_OFF("File transfer is turned off on this instance.", "此实例已关闭文件传输。"),
  UPLOADS_OFF("Uploads are turned off on this instance.", "此实例已关闭上传。"),
  DOWNLOADS_OFF("Downloads are turned off on this instance.", "此实例已关闭下载。"),
  FILES_NEED_LOGIN("Log in at the terminal first.", "请先在终端登录。"),
  FILES_LOGIN_ENDED("The login ended: log in at the terminal again to see the files.",
      "登录已结束：请在终端重新登录以查看文件。"),
  FILES_NO_MORE_SESSIONS("The SSH server allows no more sessions for this login (MaxSessions in its sshd_config), so "
      + "the files cannot be shown beside the terminal.",
      "SSH 服务器不允许这个登录再开会话（其 sshd_config 中的 MaxSessions），所以无法在终端旁显示文件。"),
  FILE_PERMISSION("Permission denied: %s", "权限不足：%s"),
  FILE_NOT_FOUND("No such file or folder (it may have been moved or deleted): %s", "文件或文件夹不存在（可能已被移动或删除）：%s"),
  FILE_EXISTS("Something named %s appeared in the folder meanwhile.", "文件夹中同时出现了名为 %s 的项目。"),
  FILE_NO_SPACE("The server could not write %s: the disk is full or the quota is used up.", "服务器无法写入 %s：磁盘已满或配额已用完。"),
  FILE_CONNECTION("The SSH connection was lost; log in again to transfer files.", "SSH 连接已断开，请重新登录后再传输文件。"),
  FILE_FAILED("The server refused the operation on %s: %s", "服务器拒绝了对 %s 的操作：%s"),
  FOLDER_NOT_DOWNLOADABLE("%s is a folder: only files can be downloaded.", "%s 是文件夹：只能下载文件。"),
  NOT_A_FILE("%s is not a regular file.", "%s 不是普通文件。"),
  UPLOAD_TOO_LONG("The browser sent more bytes than the file's size.", "浏览器发送的字节数超过了文件大小。"),
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
