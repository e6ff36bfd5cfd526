//! Accounts, sign-in and sessions.

use masthead_content::{Action, Author, Email, Role, Slug, User, UserId};
use masthead_storage::{NewUser, Session};
use time::{Duration, OffsetDateTime};

use crate::secrets::{decoy_hash, generate_token, hash_password, verify_password};
use crate::{Newsroom, NewsroomError, NewsroomResult, generate_password, hash_token};

/// How long a sign-in lasts.
pub const SESSION_LIFETIME: Duration = Duration::days(14);
/// Failed sign-ins for one address before further attempts wait.
pub const MAX_FAILURES: u32 = 5;
/// Failed sign-ins from one client, for any addresses, before its further
/// attempts wait: one password tried against many addresses is slowed too.
pub const MAX_CLIENT_FAILURES: u32 = 20;
/// The window in which failures count.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A successful sign-in: the cookie token (shown once, stored only hashed)
/// and the CSRF token forms of this session must carry.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session cookie's value.
    pub token: String,
    /// The CSRF token of the session.
    pub csrf_token: String,
    /// Who signed in.
    pub user: User,
    /// When the session ends.
    pub expires_at: OffsetDateTime,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct AccountRequest {
    /// Sign-in address.
    pub email: String,
    /// Display name, also the byline.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The password; `None` generates one, returned once.
    pub password: Option<String>,
}

impl Newsroom {
    /// Whether any account exists (a fresh site has none until the first admin is added).
    pub async fn has_accounts(&self) -> NewsroomResult<bool> {
        Ok(!self.store.users().await?.is_empty())
    }

    /// Creates an account and its byline. `actor` is `None` for the command
    /// line, which is trusted (it has the database file anyway); otherwise it
    /// must be an admin. Returns the account and the generated password, if
    /// none was given.
    pub async fn create_account(
        &self,
        actor: Option<&User>,
        request: AccountRequest,
    ) -> NewsroomResult<(User, Option<String>)> {
        if let Some(actor) = actor {
            self.authorise(actor, Action::ManageUsers, None)?;
        }
        let email = Email::parse(&request.email)?;
        let name = request.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 120 || name.chars().any(char::is_control) {
            return Err(NewsroomError::Invalid("A name of 1 to 120 characters is needed.".into()));
        }
        let (password, generated) = match request.password {
            Some(password) => (password, None),
            None => {
                let password = generate_password();
                (password.clone(), Some(password))
            }
        };
        check_password(&password)?;
        if self.store.credentials(&email).await?.is_some() {
            return Err(NewsroomError::Conflict(format!("There is already an account for {email}.")));
        }
        let author = self.byline_for(&name).await?;
        let user = self
            .store
            .add_user(NewUser { email, name, role: request.role, author, password_hash: hash_password(&password)? })
            .await?;
        tracing::info!(user = %user.email, role = %user.role, "account created");
        Ok((user, generated))
    }

    /// The author profile for a new account: the one with the name's slug if
    /// it carries the same name, else a fresh one.
    async fn byline_for(&self, name: &str) -> NewsroomResult<Slug> {
        let base = Slug::from_title(name)
            .ok_or_else(|| NewsroomError::Invalid("The name needs at least one letter or digit.".into()))?;
        for n in 1..100 {
            let candidate = if n == 1 { base.clone() } else { Slug::parse(&format!("{base}-{n}"))? };
            match self.store.author(&candidate).await? {
                Some(existing) if existing.name == name => return Ok(candidate),
                Some(_) => continue,
                None => {
                    let author = Author { slug: candidate.clone(), name: name.to_owned(), bio: String::new() };
                    self.store.save_author(&author).await?;
                    return Ok(candidate);
                }
            }
        }
        Err(NewsroomError::Conflict(format!("Too many authors are called {name}.")))
    }

    /// Every account, for admins.
    pub async fn users(&self, actor: &User) -> NewsroomResult<Vec<User>> {
        self.authorise(actor, Action::ManageUsers, None)?;
        Ok(self.store.users().await?)
    }

    /// Checks an email and password and starts a session. After
    /// [`MAX_FAILURES`] failures in [`FAILURE_WINDOW`] for an address, every
    /// attempt for it (right or wrong) is refused until the window moves on;
    /// so is every attempt from a client (known by `client`, a salted hash of
    /// its address) after [`MAX_CLIENT_FAILURES`] failures for any addresses.
    pub async fn sign_in(&self, email: &str, password: &str, client: Option<&str>) -> NewsroomResult<SignedIn> {
        let now = OffsetDateTime::now_utc();
        let key = format!("email:{}", email.trim().to_lowercase());
        let client_key = client.map(|hash| format!("client:{hash}"));
        let mut limits = vec![(key.as_str(), MAX_FAILURES)];
        if let Some(client_key) = &client_key {
            limits.push((client_key.as_str(), MAX_CLIENT_FAILURES));
        }
        for (limited, most) in limits {
            let (failures, oldest) = self.store.login_failures(limited, now - FAILURE_WINDOW).await?;
            if failures >= most {
                let retry_after = oldest.map(|t| t + FAILURE_WINDOW - now).unwrap_or(FAILURE_WINDOW);
                tracing::warn!(key = limited, failures, "sign-in throttled");
                return Err(NewsroomError::Throttled { retry_after: retry_after.max(Duration::SECOND) });
            }
        }
        let found = match Email::parse(email) {
            Ok(email) => self.store.credentials(&email).await?,
            Err(_) => None,
        };
        let (user, stored) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, decoy_hash().to_owned()),
        };
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
            .await
            .map_err(|e| NewsroomError::Internal(e.to_string()))?;
        let Some(user) = user.filter(|_| matches) else {
            self.store.record_login_failure(&key, now).await?;
            if let Some(client_key) = &client_key {
                self.store.record_login_failure(client_key, now).await?;
            }
            return Err(NewsroomError::BadCredentials);
        };
        self.store.clear_login_failures(&key).await?;
        let token = generate_token();
        let csrf_token = generate_token();
        let expires_at = now + SESSION_LIFETIME;
        self.store.start_session(&hash_token(&token), user.id, &csrf_token, expires_at).await?;
        tracing::info!(user = %user.email, "signed in");
        Ok(SignedIn { token, csrf_token, user, expires_at })
    }

    /// The live session a cookie token belongs to.
    pub async fn session(&self, token: &str) -> NewsroomResult<Session> {
        self.store.session(&hash_token(token), OffsetDateTime::now_utc()).await?.ok_or(NewsroomError::NotSignedIn)
    }

    /// Ends the session of a cookie token.
    pub async fn sign_out(&self, token: &str) -> NewsroomResult<()> {
        Ok(self.store.end_session(&hash_token(token)).await?)
    }

    /// Ends every session and API token of `actor`, on every device.
    pub async fn sign_out_everywhere(&self, actor: &User) -> NewsroomResult<u64> {
        Ok(self.store.end_all_sessions(actor.id).await?)
    }

    /// Gives an account a new generated password (returned once) and ends its sessions. Admins only.
    pub async fn reset_password(&self, actor: &User, user: UserId) -> NewsroomResult<String> {
        self.authorise(actor, Action::ManageUsers, None)?;
        let password = generate_password();
        self.store.set_password_hash(user, &hash_password(&password)?).await?;
        self.store.end_all_sessions(user).await?;
        Ok(password)
    }

    /// Changes an account's role. Admins only; an admin cannot demote themself
    /// (so a site always keeps one).
    pub async fn change_role(&self, actor: &User, user: UserId, role: Role) -> NewsroomResult<()> {
        self.authorise(actor, Action::ManageUsers, None)?;
        if user == actor.id && role != Role::Admin {
            return Err(NewsroomError::Invalid("You cannot take away your own admin role.".into()));
        }
        Ok(self.store.set_role(user, role).await?)
    }

    /// Creates an API token for scripts acting as `actor`; returned once.
    pub async fn create_api_token(&self, actor: &User, label: &str) -> NewsroomResult<String> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 80 {
            return Err(NewsroomError::Invalid("Name the token in 1 to 80 characters.".into()));
        }
        let token = format!("mh_{}", generate_token());
        self.store.add_api_token(&hash_token(&token), actor.id, label).await?;
        Ok(token)
    }

    /// The account an API token acts as.
    pub async fn token_user(&self, token: &str) -> NewsroomResult<User> {
        self.store.api_token_user(&hash_token(token)).await?.ok_or(NewsroomError::NotSignedIn)
    }
}

fn check_password(password: &str) -> NewsroomResult<()> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(NewsroomError::Invalid(format!(
            "A password needs at least {MIN_PASSWORD_CHARS} characters; this one has {length}."
        )));
    }
    if length > 1000 {
        return Err(NewsroomError::Invalid("A password can have at most 1,000 characters.".into()));
    }
    Ok(())
}
