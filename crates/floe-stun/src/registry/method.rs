//! Methods (RFC 8489 §18.2, RFC 8656 §17, RFC 6062 §6.1).

use super::registry;

registry! {
    /// A STUN method: 12 bits (0x000..=0xFFF).
    ///
    /// ```
    /// use floe_stun::Method;
    /// assert_eq!(Method::ALLOCATE.0, 0x003);
    /// assert_eq!(Method::new(0x1000), None);
    /// ```
    Method(u16), 5;
    /// Binding (RFC 8489 §18.2).
    BINDING = 0x001 => "binding";
    /// Allocate (RFC 8656 §17).
    ALLOCATE = 0x003 => "allocate";
    /// Refresh (RFC 8656 §17).
    REFRESH = 0x004 => "refresh";
    /// Send (RFC 8656 §17).
    SEND = 0x006 => "send";
    /// Data (RFC 8656 §17).
    DATA = 0x007 => "data";
    /// CreatePermission (RFC 8656 §17).
    CREATE_PERMISSION = 0x008 => "create-permission";
    /// ChannelBind (RFC 8656 §17).
    CHANNEL_BIND = 0x009 => "channel-bind";
    /// Connect (RFC 6062 §6.1).
    CONNECT = 0x00A => "connect";
    /// ConnectionBind (RFC 6062 §6.1).
    CONNECTION_BIND = 0x00B => "connection-bind";
    /// ConnectionAttempt (RFC 6062 §6.1).
    CONNECTION_ATTEMPT = 0x00C => "connection-attempt";
}

impl Method {
    /// The largest method value: methods have 12 bits (RFC 8489 §5).
    pub const MAX: u16 = 0x0FFF;

    /// A method from its value, or `None` when it does not fit in 12 bits.
    #[must_use]
    pub const fn new(value: u16) -> Option<Self> {
        if value <= Self::MAX {
            Some(Self(value))
        } else {
            None
        }
    }
}
