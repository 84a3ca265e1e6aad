//! A small practice's git host: gitolite over its own sshd, one repository per case, access
//! rules per member. Members sync through it; a read-only member cannot push; a member
//! removed from a case and then from the host's rules is refused.

use crate::servers::ssh::{Gitolite, Key};
use crate::sync::public_key;
use crate::{TestEnv, describe};

/// A member with a workspace, an SSH key in ~/.ssh, and the host trusted.
fn member(host: &Gitolite, name: &str) -> (TestEnv, Key) {
    let env = TestEnv::bare();
    env.run(&[
        "init",
        env.ws.to_str().unwrap(),
        "--name",
        name,
        "--email",
        &format!("{name}@example.org"),
    ]);
    let key = Key::new(&env.home.join(".ssh/id_ed25519"), "");
    host.sshd.trust(&env.home);
    (env, key)
}

#[test]
fn members_sync_through_gitolite_and_its_rules_hold() {
    if !Gitolite::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let host = Gitolite::start(dir.path());
    let alice = TestEnv::with_case();
    let alice_key = Key::new(&alice.home.join(".ssh/id_ed25519"), "");
    host.sshd.trust(&alice.home);
    let (bob, bob_key) = member(&host, "bob");
    let (carol, carol_key) = member(&host, "carol");
    let keys = [
        ("alice", alice_key.public_line.as_str()),
        ("bob", bob_key.public_line.as_str()),
        ("carol", carol_key.public_line.as_str()),
    ];
    // Alice and Bob write; Carol (a parent, say) reads.
    host.configure(
        &keys,
        "repo c1\n    RW+ = alice\n    RW = bob\n    R = carol\n",
    );

    let url = host.url("c1");
    alice.run(&["remote", "add", "origin", &url]);
    alice.run(&["share", &public_key(&bob), "--label", "co-advocate"]);
    alice.run(&["share", &public_key(&carol), "--label", "parent"]);
    let id = alice.add_note("Through the practice's server");
    alice.run(&["sync"]);

    // Two members sync through it.
    bob.run(&["clone", &url, "c1"]);
    bob.run(&["-c", "c1", "edit", &id, "--set", "summary=Bob was here"]);
    bob.run(&["-c", "c1", "sync"]);
    alice.run(&["sync"]);
    assert!(alice.run(&["show", &id]).contains("Bob was here"));

    // A read-only member reads, and cannot push.
    carol.run(&["clone", &url, "c1"]);
    assert!(
        carol
            .run(&["-c", "c1", "show", &id])
            .contains("Bob was here")
    );
    carol.run(&["-c", "c1", "add", "note", "--title", "Carol's note"]);
    let out = carol.cmd(&["-c", "c1", "sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("the push to {url} was refused by the server"))
            && err.contains("remote: FATAL: W")
            && err.contains("DENIED")
            && err.contains("may read this repository but not push to it"),
        "{err}"
    );
    alice.run(&["sync"]);
    assert!(!alice.run(&["list"]).contains("Carol's note"));

    // Bob leaves the case: unshare takes him out of what comes next, and the host's admin
    // takes away his access, which iepcase cannot do.
    alice.run(&["unshare", &public_key(&bob)]);
    alice.run(&["sync"]);
    host.configure(&keys, "repo c1\n    RW+ = alice\n    R = carol\n");
    bob.run(&["-c", "c1", "add", "note", "--title", "After leaving"]);
    let out = bob.cmd(&["-c", "c1", "sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("access to {url} was refused by the server"))
            && err.contains("remote: FATAL: R")
            && err.contains("bob DENIED"),
        "{err}"
    );
    alice.run(&["sync"]);
    assert!(!alice.run(&["list"]).contains("After leaving"));
    // Carol, still a member and a reader, takes in the rotated key (her push stays refused).
    let out = carol.cmd(&["-c", "c1", "sync"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the push to"), "still read-only: {err}");
    assert!(
        carol
            .run(&["-c", "c1", "show", &id])
            .contains("Bob was here")
    );
    assert!(
        !carol
            .run(&["-c", "c1", "recipients"])
            .contains("co-advocate")
    );
}
