//! A real HTTPS smart-protocol git server: `git http-backend` run as CGI by lighttpd on
//! 127.0.0.1, TLS with a certificate signed by a test CA made for the test, HTTP basic
//! authentication, and one path that answers 403.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::process::{Guard, free_port, git_program, require};

/// The programs the HTTPS tests need, or `false` (the test is skipped) when one is missing.
pub fn available() -> bool {
    require("/usr/sbin/lighttpd").is_some()
        && require("openssl").is_some()
        && require("/usr/lib/lighttpd/mod_openssl.so").is_some()
}

/// A certificate authority of the test's own, and a server certificate it signed.
pub struct TestCa {
    pub ca_cert: PathBuf,
    pub server_pem: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        crate::describe(&out)
    );
}

impl TestCa {
    pub fn new(dir: &Path) -> TestCa {
        std::fs::create_dir_all(dir).unwrap();
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let mut ca = vec!["req", "-x509"];
        ca.extend(ec);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=iepcase test CA",
        ]);
        openssl(dir, &ca);
        let mut req = vec!["req"];
        req.extend(ec);
        req.extend([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        openssl(dir, &req);
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ],
        );
        let mut pem = std::fs::read_to_string(dir.join("server.crt")).unwrap();
        pem.push_str(&std::fs::read_to_string(dir.join("server.key")).unwrap());
        let server_pem = dir.join("server.pem");
        std::fs::write(&server_pem, pem).unwrap();
        TestCa {
            ca_cert: dir.join("ca.pem"),
            server_pem,
        }
    }
}

/// lighttpd serving the bare repositories under `repos` at `https://127.0.0.1:PORT/git/`.
pub struct WebServer {
    _guard: Guard,
    pub port: u16,
    pub repos: PathBuf,
    pub ca: TestCa,
    dir: PathBuf,
}

impl WebServer {
    /// Starts the server in `dir`; `users` are `(name, password)` pairs for basic auth.
    /// Repositories under `repos/forbidden/` answer 403 to everyone.
    pub fn start(dir: &Path, users: &[(&str, &str)]) -> WebServer {
        std::fs::create_dir_all(dir.join("www")).unwrap();
        let repos = dir.join("repos");
        std::fs::create_dir_all(repos.join("forbidden")).unwrap();
        let ca = TestCa::new(&dir.join("tls"));
        let port = free_port();
        let users_file = dir.join("users");
        let lines: Vec<String> = users.iter().map(|(u, p)| format!("{u}:{p}")).collect();
        std::fs::write(&users_file, lines.join("\n") + "\n").unwrap();
        let config = format!(
            r#"server.document-root = "{www}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{dir}/error.log"
accesslog.filename = "{dir}/access.log"
server.modules = ("mod_access", "mod_alias", "mod_auth", "mod_authn_file", "mod_setenv", "mod_cgi", "mod_openssl", "mod_accesslog")
ssl.engine = "enable"
ssl.pemfile = "{pem}"
alias.url = ("/git" => "{backend}")
$HTTP["url"] =~ "^/git/forbidden/" {{
    url.access-deny = ("")
}}
$HTTP["url"] =~ "^/git" {{
    cgi.assign = ("" => "")
    setenv.add-environment = ("GIT_PROJECT_ROOT" => "{repos}", "GIT_HTTP_EXPORT_ALL" => "")
}}
auth.backend = "plain"
auth.backend.plain.userfile = "{users}"
auth.require = ("/git" => ("method" => "basic", "realm" => "cases", "require" => "valid-user"))
"#,
            www = dir.join("www").display(),
            dir = dir.display(),
            pem = ca.server_pem.display(),
            backend = git_program("git-http-backend").display(),
            repos = repos.display(),
            users = users_file.display(),
        );
        let conf_path = dir.join("lighttpd.conf");
        std::fs::write(&conf_path, config).unwrap();
        let mut cmd = Command::new("/usr/sbin/lighttpd");
        cmd.arg("-D").arg("-f").arg(&conf_path);
        let mut guard = Guard::spawn("lighttpd", cmd, dir.join("lighttpd.log"));
        guard.wait_for_port(port);
        WebServer {
            _guard: guard,
            port,
            repos,
            ca,
            dir: dir.to_owned(),
        }
    }

    /// A bare repository at `path` under the served folder, whose pushes are noted with the
    /// signed-in user's name (git http-backend passes it to hooks as REMOTE_USER).
    pub fn repo(&self, path: &str) -> PathBuf {
        let repo = self.repos.join(path);
        let status = Command::new("git")
            .args(["init", "-q", "--bare"])
            .arg(&repo)
            .status()
            .expect("git init");
        assert!(status.success());
        let hook = repo.join("hooks/post-receive");
        std::fs::write(
            &hook,
            "#!/bin/sh\ncat >/dev/null\necho \"$REMOTE_USER\" >> pushed-by\n",
        )
        .unwrap();
        crate::crash::make_executable(&hook);
        repo
    }

    /// The users whose pushes to `repo` were accepted, in order.
    pub fn pushed_by(repo: &Path) -> Vec<String> {
        std::fs::read_to_string(repo.join("pushed-by"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// `https://127.0.0.1:PORT/git/PATH`.
    pub fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}/git/{path}", self.port)
    }

    /// The requests the server answered, one line each (method, path, status), once
    /// `done` holds for them or two seconds passed (lighttpd writes its log in batches).
    pub fn requests_when(&self, done: impl Fn(&[String]) -> bool) -> Vec<String> {
        let started = std::time::Instant::now();
        loop {
            let lines = self.requests();
            if done(&lines) || started.elapsed() > std::time::Duration::from_secs(2) {
                return lines;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// The requests logged so far.
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("access.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}
