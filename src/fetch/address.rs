//! Which network addresses a fetch may reach without being listed by name.
//!
//! The host allowlist says which names an operator meant grounded to read; this
//! module adds the rule that a name may not lead somewhere internal by accident or by
//! trickery (a DNS record pointing at 127.0.0.1, the cloud metadata address
//! 169.254.169.254, `2130706433`, an IPv4-mapped IPv6 address). An address that is
//! not on the public internet is reached only when its host is listed exactly.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of non-public address `ip` is, or `None` for a public one. The words
/// go into refusals, so a person can see why 10.0.0.5 was not fetched.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        // 0.0.0.0/8 "this network": connecting to 0.0.0.0 reaches the local host.
        (0, _, _) => "unspecified (this host)",
        (127, _, _) => "loopback",
        (10, _, _) | (192, 168, _) => "private (RFC 1918)",
        (172, 16..=31, _) => "private (RFC 1918)",
        (169, 254, _) => "link-local (cloud metadata lives here)",
        (100, 64..=127, _) => "shared address space (CGNAT, RFC 6598)",
        (192, 0, 0) => "IETF protocol assignments",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved or broadcast",
        _ => return None,
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // An IPv6 address that carries an IPv4 one reaches that IPv4 address: judge it.
    if let Some(v4) = embedded_v4(ip) {
        return non_public_v4(v4);
    }
    let s = ip.segments();
    Some(if ip.is_unspecified() {
        "unspecified (this host)"
    } else if ip.is_loopback() {
        "loopback"
    } else if s[0] & 0xfe00 == 0xfc00 {
        "unique local (fc00::/7)"
    } else if s[0] & 0xffc0 == 0xfe80 {
        "link-local (fe80::/10)"
    } else if s[0] & 0xffc0 == 0xfec0 {
        "site-local (fec0::/10)"
    } else if s[0] & 0xff00 == 0xff00 {
        "multicast"
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        "documentation"
    } else if s[0] == 0x2001 && s[1] == 0 {
        // Teredo hides an IPv4 address behind a relay; nothing public needs it here.
        "Teredo tunnel"
    } else if s[0] == 0x0100 && s[1..4] == [0, 0, 0] {
        "discard-only"
    } else {
        return None;
    })
}

/// The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
/// (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or 6to4 (2002:aabb:ccdd::) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1) {
        return Some(low());
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(low());
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<&'static str> {
        non_public(text.parse().unwrap())
    }

    #[test]
    fn internal_ipv4_addresses_are_named() {
        assert_eq!(kind("127.0.0.1"), Some("loopback"));
        assert_eq!(kind("127.255.0.9"), Some("loopback"));
        assert_eq!(kind("0.0.0.0"), Some("unspecified (this host)"));
        assert_eq!(kind("10.1.2.3"), Some("private (RFC 1918)"));
        assert_eq!(kind("172.16.0.1"), Some("private (RFC 1918)"));
        assert_eq!(kind("172.31.255.255"), Some("private (RFC 1918)"));
        assert_eq!(kind("192.168.1.1"), Some("private (RFC 1918)"));
        assert_eq!(kind("169.254.169.254"), Some("link-local (cloud metadata lives here)"));
        assert_eq!(kind("100.64.0.1"), Some("shared address space (CGNAT, RFC 6598)"));
        assert_eq!(kind("224.0.0.1"), Some("multicast"));
        assert_eq!(kind("255.255.255.255"), Some("reserved or broadcast"));
        assert_eq!(kind("192.0.2.7"), Some("documentation"));
    }

    #[test]
    fn public_ipv4_addresses_pass() {
        for ip in ["1.1.1.1", "8.8.8.8", "172.15.0.1", "172.32.0.1", "100.63.255.255", "100.128.0.1", "93.184.216.34"] {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    #[test]
    fn ipv6_internal_ranges_and_embedded_ipv4_are_judged() {
        assert_eq!(kind("::1"), Some("loopback"));
        assert_eq!(kind("::"), Some("unspecified (this host)"));
        assert_eq!(kind("fd12:3456::1"), Some("unique local (fc00::/7)"));
        assert_eq!(kind("fe80::1"), Some("link-local (fe80::/10)"));
        assert_eq!(kind("ff02::1"), Some("multicast"));
        // IPv4-mapped: the address a dual-stack socket really connects to.
        assert_eq!(kind("::ffff:127.0.0.1"), Some("loopback"));
        assert_eq!(kind("::ffff:169.254.169.254"), Some("link-local (cloud metadata lives here)"));
        assert_eq!(kind("::ffff:10.0.0.1"), Some("private (RFC 1918)"));
        assert_eq!(kind("::ffff:8.8.8.8"), None);
        assert_eq!(kind("::127.0.0.1"), Some("loopback"));
        assert_eq!(kind("64:ff9b::a9fe:a9fe"), Some("link-local (cloud metadata lives here)"));
        assert_eq!(kind("2002:7f00:0001::"), Some("loopback"));
        assert_eq!(kind("2001:db8::1"), Some("documentation"));
        assert_eq!(kind("2606:4700:4700::1111"), None);
    }
}
