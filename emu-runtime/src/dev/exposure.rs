//! The warning the dev server prints when it listens beyond loopback: an unauthenticated API reachable from other
//! machines, named by the addresses it is reachable on (the machine's interface addresses for `0.0.0.0` / `::`).

use std::net::{IpAddr, SocketAddr};

/// `None` on a loopback address; else a warning naming every address the server is reachable on.
pub(crate) fn exposure_warning(addr: SocketAddr) -> Option<String> {
    let ip = addr.ip();
    if ip.is_loopback() {
        return None;
    }
    let reachable: Vec<IpAddr> = if ip.is_unspecified() {
        // `0.0.0.0` takes IPv4 connections only; `::` takes both on Linux (unless the socket is v6-only).
        interface_addresses().into_iter().filter(|a| !a.is_loopback() && (ip.is_ipv6() || a.is_ipv4())).collect()
    } else {
        vec![ip]
    };
    let urls: Vec<String> = reachable.iter().map(|a| format!("http://{}", SocketAddr::new(*a, addr.port()))).collect();
    let list = if urls.is_empty() { "every address of this machine".to_owned() } else { urls.join(", ") };
    Some(format!(
        "warning: listening on {addr}: the API is served without authentication to anyone who can reach {list}; \
         use --host 127.0.0.1 (the default) to keep it on this machine"
    ))
}

/// The addresses of this machine's interfaces (loopback included), as `getifaddrs(3)` lists them.
#[cfg(unix)]
fn interface_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we only read and then free with freeifaddrs, once.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return out;
    }
    let mut cur = head;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned, not yet freed.
        let entry = unsafe { &*cur };
        if !entry.ifa_addr.is_null() {
            // SAFETY: `ifa_addr` points to a sockaddr whose family says which struct it is.
            let family = i32::from(unsafe { (*entry.ifa_addr).sa_family });
            if family == libc::AF_INET {
                // SAFETY: an AF_INET address is a sockaddr_in.
                let sin = unsafe { &*(entry.ifa_addr as *const libc::sockaddr_in) };
                out.push(IpAddr::from(u32::from_be(sin.sin_addr.s_addr).to_be_bytes()));
            } else if family == libc::AF_INET6 {
                // SAFETY: an AF_INET6 address is a sockaddr_in6.
                let sin6 = unsafe { &*(entry.ifa_addr as *const libc::sockaddr_in6) };
                out.push(IpAddr::from(sin6.sin6_addr.s6_addr));
            }
        }
        cur = entry.ifa_next;
    }
    // SAFETY: `head` came from a successful getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(head) };
    out.sort();
    out.dedup();
    out
}

#[cfg(not(unix))]
fn interface_addresses() -> Vec<IpAddr> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_quiet_and_any_address_names_the_interfaces() {
        assert_eq!(exposure_warning("127.0.0.1:3000".parse().unwrap()), None);
        assert_eq!(exposure_warning("[::1]:3000".parse().unwrap()), None);
        let w = exposure_warning("0.0.0.0:3000".parse().unwrap()).unwrap();
        assert!(w.contains("without authentication"), "{w}");
        assert!(!w.contains("http://127.0.0.1"), "loopback is not what the warning is about: {w}");
        let listed = interface_addresses().into_iter().find(|a| a.is_ipv4() && !a.is_loopback());
        if let Some(a) = listed {
            assert!(w.contains(&format!("http://{a}:3000")), "{w}");
        }
        let w = exposure_warning("192.0.2.7:8080".parse().unwrap()).unwrap();
        assert!(w.contains("http://192.0.2.7:8080"), "{w}");
    }
}
