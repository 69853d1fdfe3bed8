//! Which hosts a tenant may point a provider at: the server operator's allow-list
//! (`LLM_ALLOWED_HOSTS`). A tenant admin types a base URL; without this, that URL could be
//! the server's own database port or a cloud metadata address.
//!
//! Rules, checked on save and again on every call (the address is resolved once per call
//! and the connection pinned to it, so a DNS answer cannot change between check and use):
//! - the host must match an entry (`api.openai.com`, `*.openai.azure.com`, `10.0.0.5:8080`);
//!   an entry with a port allows that port only;
//! - an address that is not public (loopback, private, link-local — the metadata address —,
//!   shared, unique-local, unspecified) is allowed only by an entry that names the host
//!   exactly and with its port: an operator running a model next to the server writes
//!   `127.0.0.1:8080`, and nothing else on loopback opens;
//! - a public host must be reached over https (the key travels in a header).

use crate::error::ProviderError;
use std::net::{IpAddr, SocketAddr};

/// The hosts the stock providers use.
pub const DEFAULT_ALLOWED_HOSTS: &str = "api.openai.com,api.anthropic.com,*.openai.azure.com";

#[derive(Clone, Debug, PartialEq, Eq)]
struct HostRule {
    /// Lowercase; `*.` prefix for any subdomain.
    host: String,
    port: Option<u16>,
}

impl HostRule {
    fn matches(&self, host: &str, port: u16) -> bool {
        let host_ok = match self.host.strip_prefix("*.") {
            Some(suffix) => host.len() > suffix.len() + 1 && host.ends_with(&format!(".{suffix}")),
            None => self.host == host,
        };
        host_ok && self.port.is_none_or(|p| p == port)
    }

    fn opens_private(&self) -> bool {
        !self.host.starts_with("*.") && self.port.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EgressPolicy {
    rules: Vec<HostRule>,
}

impl Default for EgressPolicy {
    fn default() -> Self {
        EgressPolicy::parse(DEFAULT_ALLOWED_HOSTS).unwrap_or(EgressPolicy { rules: vec![] })
    }
}

impl EgressPolicy {
    /// Parses a comma-separated list of `host`, `*.domain` or `host:port` entries
    /// (IPv6 in brackets: `[::1]:8080`).
    pub fn parse(list: &str) -> Result<EgressPolicy, String> {
        let mut rules = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let entry = entry.to_ascii_lowercase();
            let (host, port) = split_host_port(&entry)
                .ok_or_else(|| format!("`{entry}` is not a host or host:port"))?;
            if host.is_empty() || host.contains('/') || host.contains('@') {
                return Err(format!("`{entry}` is not a host or host:port"));
            }
            rules.push(HostRule { host, port });
        }
        Ok(EgressPolicy { rules })
    }

    /// The addresses `url` may be reached at, or why it may not.
    pub async fn resolve(&self, url: &reqwest::Url) -> Result<Vec<SocketAddr>, ProviderError> {
        let refuse = |why: String| ProviderError::HostRefused(why);
        let scheme = url.scheme();
        if scheme != "http" && scheme != "https" {
            return Err(refuse("the base URL must start with https://".into()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse(
                "the base URL must not carry a user name or password".into(),
            ));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => format!("[{ip}]"),
            None => return Err(refuse("the base URL has no host".into())),
        };
        let port = url.port_or_known_default().unwrap_or(443);
        let Some(rule) = self.rules.iter().find(|r| r.matches(&host, port)) else {
            return Err(refuse(format!(
                "{host}:{port} is not among the hosts this server may call (the operator's LLM_ALLOWED_HOSTS)"
            )));
        };
        let lookup = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((lookup.as_str(), port))
            .await
            .map_err(|e| refuse(format!("{host} does not resolve: {e}")))?
            .collect();
        if addrs.is_empty() {
            return Err(refuse(format!("{host} does not resolve")));
        }
        for addr in &addrs {
            let public = is_public(addr.ip());
            if !public && !rule.opens_private() {
                return Err(refuse(format!(
                    "{host} resolves to a private or local address ({}); the operator must allow it as host:port",
                    addr.ip()
                )));
            }
            if public && scheme != "https" {
                return Err(refuse(format!("{host} must be reached over https")));
            }
        }
        Ok(addrs)
    }
}

fn split_host_port(entry: &str) -> Option<(String, Option<u16>)> {
    if let Some(rest) = entry.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((format!("[{ip}]"), port));
    }
    match entry.rsplit_once(':') {
        Some((host, port)) => Some((host.to_string(), Some(port.parse().ok()?))),
        None => Some((entry.to_string(), None)),
    }
}

/// Globally routable: not loopback, private, link-local, shared (100.64/10), unique-local,
/// unspecified, broadcast, documentation or multicast; IPv4-mapped IPv6 judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || s[0] == 0x2001 && s[1] == 0x0db8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).expect("url")
    }

    #[test]
    fn private_ranges_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(!is_public(ip.parse().expect("ip")), "{ip}");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2606:4700::1111"] {
            assert!(is_public(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[tokio::test]
    async fn loopback_opens_only_for_an_exact_host_and_port() {
        let policy = EgressPolicy::parse("127.0.0.1:8080, *.example.com").expect("policy");
        assert!(policy
            .resolve(&url("http://127.0.0.1:8080/v1"))
            .await
            .is_ok());
        for refused in [
            "http://127.0.0.1:5432/",
            "http://localhost:8080/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8080/",
            "file:///etc/passwd",
            "http://user:pw@127.0.0.1:8080/",
        ] {
            assert!(
                matches!(
                    policy.resolve(&url(refused)).await,
                    Err(ProviderError::HostRefused(_))
                ),
                "{refused}"
            );
        }
        // A wildcard entry never opens a private address, even when the name points there.
        let wildcard = EgressPolicy::parse("*.localhost").expect("policy");
        assert!(wildcard
            .resolve(&url("http://a.localhost:8080/"))
            .await
            .is_err());
    }

    #[test]
    fn wildcards_match_subdomains_only() {
        let rule = HostRule {
            host: "*.openai.azure.com".into(),
            port: None,
        };
        assert!(rule.matches("acme.openai.azure.com", 443));
        assert!(!rule.matches("openai.azure.com", 443));
        assert!(!rule.matches("evilopenai.azure.com", 443));
        assert!(EgressPolicy::parse("http://x").is_err());
    }
}
