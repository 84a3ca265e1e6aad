//! Sync over a real HTTPS smart server (git http-backend behind lighttpd), with TLS from a
//! test CA and basic authentication: a git credential helper, a wrong password, a
//! certificate this computer does not trust, and a 403.

use crate::servers::https::{self, WebServer};
use crate::sync::public_key;
use crate::{TestEnv, describe};

/// A user's git settings in the hermetic home (libgit2 reads ~/.gitconfig): the store
/// credential helper holding `password` for `user`, and `ca` as http.sslCAInfo.
fn git_settings(env: &TestEnv, server: &WebServer, user: &str, password: &str, ca: bool) {
    let mut config = "[credential]\n\thelper = store\n".to_owned();
    if ca {
        config.push_str(&format!(
            "[http]\n\tsslCAInfo = {}\n",
            server.ca.ca_cert.display()
        ));
    }
    std::fs::write(env.home.join(".gitconfig"), config).unwrap();
    std::fs::write(
        env.home.join(".git-credentials"),
        format!("https://{user}:{password}@127.0.0.1:{}\n", server.port),
    )
    .unwrap();
}

fn server(env: &TestEnv) -> Option<WebServer> {
    if !https::available() {
        return None;
    }
    let server = WebServer::start(
        &env.root().join("web"),
        &[("alice", "alice-token"), ("bob", "bob-token")],
    );
    server.repo("c1.git");
    server.repo("forbidden/c1.git");
    Some(server)
}

/// 401 answers among `requests`.
fn unauthorized(requests: &[String]) -> usize {
    requests.iter().filter(|l| l.contains("\" 401 ")).count()
}

#[test]
fn push_and_pull_with_a_credential_helper() {
    let alice = TestEnv::with_case();
    let Some(server) = server(&alice) else {
        return;
    };
    git_settings(&alice, &server, "alice", "alice-token", true);
    let bob = TestEnv::bare();
    bob.run(&["init", bob.ws.to_str().unwrap()]);
    git_settings(&bob, &server, "bob", "bob-token", true);
    let url = server.url("c1.git");
    alice.run(&["remote", "add", "origin", &url]);
    alice.run(&["share", &public_key(&bob)]);
    let id = alice.add_note("Over HTTPS");
    alice.run(&["sync"]);
    bob.run(&["clone", &url, "c1"]);
    assert!(bob.run(&["-c", "c1", "show", &id]).contains("Over HTTPS"));
    bob.run(&["-c", "c1", "edit", &id, "--set", "summary=Bob over HTTPS"]);
    bob.run(&["-c", "c1", "sync"]);
    alice.run(&["sync"]);
    assert!(alice.run(&["show", &id]).contains("Bob over HTTPS"));
    assert_eq!(
        WebServer::pushed_by(&server.repos.join("c1.git")),
        ["alice", "bob"],
        "both pushed as themselves"
    );
    assert!(
        !alice.run(&["remote", "list"]).contains("alice-token"),
        "no password in the address"
    );
}

#[test]
fn a_wrong_password_is_an_authentication_error_asked_once() {
    let alice = TestEnv::with_case();
    let Some(server) = server(&alice) else {
        return;
    };
    git_settings(&alice, &server, "alice", "an-old-token", true);
    alice.run(&["remote", "add", "origin", &server.url("c1.git")]);
    alice.add_note("Not sent");
    let started = std::time::Instant::now();
    let out = alice.without_terminal(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did not accept any of your credentials")
            && err.contains("tried the password stored in your git credential helper")
            && err.contains("the password or token stored for this address was refused"),
        "{err}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // The stored password is offered once: the first request asks, the second is refused.
    let requests = server.requests_when(|r| unauthorized(r) >= 2);
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let requests_later = server.requests();
    assert_eq!(requests, requests_later, "nothing more came");
    assert_eq!(unauthorized(&requests), 2, "no retrying: {requests:#?}");
    assert!(WebServer::pushed_by(&server.repos.join("c1.git")).is_empty());

    // Nothing stored at all: the hint says how to store a token.
    std::fs::write(alice.home.join(".git-credentials"), "").unwrap();
    let out = alice.without_terminal(&["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no git credential helper had a password for this address")
            && err.contains("git credential approve"),
        "{err}"
    );
}

#[test]
fn an_untrusted_certificate_is_refused_until_git_trusts_its_authority() {
    let alice = TestEnv::with_case();
    let Some(server) = server(&alice) else {
        return;
    };
    git_settings(&alice, &server, "alice", "alice-token", false);
    alice.run(&["remote", "add", "origin", &server.url("c1.git")]);
    alice.add_note("Held back");
    let err = alice.fail(&["sync"], 1);
    assert!(
        err.contains(&format!(
            "the certificate of {} is not trusted",
            server.url("c1.git")
        )) && err.contains("SHA-256 fingerprint")
            && err.contains("git config --global http.sslCAInfo"),
        "{err}"
    );
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let requests = server.requests();
    assert!(
        requests.iter().all(|l| !l.contains("/git/")),
        "no request was sent: {requests:#?}"
    );
    // The setting git itself uses for HTTPS.
    git_settings(&alice, &server, "alice", "alice-token", true);
    alice.run(&["sync"]);
    // A CA file that does not exist is named.
    std::fs::write(
        alice.home.join(".gitconfig"),
        "[credential]\n\thelper = store\n[http]\n\tsslCAInfo = /nonexistent/ca.pem\n",
    )
    .unwrap();
    let err = alice.fail(&["sync"], 1);
    assert!(err.contains("/nonexistent/ca.pem"), "{err}");
}

#[test]
fn a_403_is_a_refusal_by_the_server() {
    let alice = TestEnv::with_case();
    let Some(server) = server(&alice) else {
        return;
    };
    git_settings(&alice, &server, "alice", "alice-token", true);
    let url = server.url("forbidden/c1.git");
    let err = alice.fail(&["clone", &url, "copy"], 1);
    assert!(
        err.contains(&format!("access to {url} was refused by the server"))
            && err.contains("ask whoever runs the server"),
        "{err}"
    );
    let requests = server.requests_when(|r| r.iter().any(|l| l.contains("\" 403 ")));
    assert!(
        requests.iter().any(|l| l.contains("\" 403 ")),
        "{requests:#?}"
    );
    assert!(!alice.case_dir("copy").exists());
}
