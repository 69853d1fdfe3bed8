//! Records' owners across the two systems: a remote user and a member here are the same
//! person when their e-mail addresses match. Read once per run, before the first object.

use connector_api::RemoteUser;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use platform::db::schema::{memberships, users};
use platform::db::Conn;
use platform::Error;
use std::collections::HashMap;
use uuid::Uuid;

/// Remote user ids ↔ members' user ids.
#[derive(Debug, Default)]
pub(super) struct Owners {
    local: HashMap<String, Uuid>,
    remote: HashMap<Uuid, String>,
}

impl Owners {
    /// Matches `remote` users with `members` (e-mail, user id) by e-mail, case aside. A
    /// member with several remote users (an address reused) is written back as the active
    /// one; any of them reads as the member.
    pub(super) fn matched(remote: &[RemoteUser], members: &[(String, Uuid)]) -> Owners {
        let by_email: HashMap<String, Uuid> = members
            .iter()
            .map(|(e, id)| (e.trim().to_lowercase(), *id))
            .collect();
        let mut owners = Owners::default();
        let mut sorted: Vec<&RemoteUser> = remote.iter().collect();
        // Inactive first, so an active user's id is the one kept for writing back.
        sorted.sort_by_key(|u| (u.active, u.id.clone()));
        for user in sorted {
            if let Some(member) = by_email.get(&user.email.trim().to_lowercase()) {
                owners.local.insert(user.id.clone(), *member);
                owners.remote.insert(*member, user.id.clone());
            }
        }
        owners
    }

    /// The member owning what `remote_user` owns there (`None`: not a member here).
    pub(super) fn member(&self, remote_user: &str) -> Option<Uuid> {
        self.local.get(remote_user).copied()
    }

    /// The remote user of `member` (`None`: no user there with the member's e-mail).
    pub(super) fn remote_user(&self, member: Uuid) -> Option<&str> {
        self.remote.get(&member).map(String::as_str)
    }
}

/// The tenant's members as (e-mail, user id).
pub(super) async fn members(conn: &mut Conn) -> Result<Vec<(String, Uuid)>, Error> {
    Ok(memberships::table
        .inner_join(users::table)
        .select((users::email, users::id))
        .load(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, email: &str, active: bool) -> RemoteUser {
        RemoteUser {
            id: id.into(),
            email: email.into(),
            active,
        }
    }

    #[test]
    fn users_match_members_by_email_and_the_active_one_is_written_back() {
        let (ana, bo) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let members = vec![
            ("ana@acme.test".to_string(), ana),
            ("bo@acme.test".into(), bo),
        ];
        let owners = Owners::matched(
            &[
                user("005B", "ANA@acme.test", true),
                user("005A", "ana@acme.test", false),
                user("005C", "carl@acme.test", true),
            ],
            &members,
        );
        assert_eq!(owners.member("005A"), Some(ana));
        assert_eq!(owners.member("005B"), Some(ana));
        assert_eq!(owners.member("005C"), None);
        assert_eq!(owners.remote_user(ana), Some("005B"));
        assert_eq!(owners.remote_user(bo), None);
    }
}
