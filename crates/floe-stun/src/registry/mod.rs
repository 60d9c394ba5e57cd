//! Registries of wire values: methods, classes, attribute types, error codes, password
//! algorithms and address families.
//!
//! Each registry is a newtype over the wire value with named constants and a `name()`; values
//! nobody registered are kept as they are, so they survive a round trip.
//!
//! ```
//! use floe_stun::{AttributeType, ErrorCode, Method};
//! assert_eq!(AttributeType::XOR_MAPPED_ADDRESS.name(), Some("xor-mapped-address"));
//! assert_eq!(format!("{:?}", AttributeType(0x7777)), "AttributeType(0x7777)");
//! assert!(AttributeType(0x0042).is_comprehension_required());
//! assert_eq!(Method::CREATE_PERMISSION.name(), Some("create-permission"));
//! assert_eq!(ErrorCode::STALE_NONCE.reason(), Some("Stale Nonce"));
//! ```

mod attribute_type;
mod class;
mod error_code;
mod method;
mod misc;

pub use attribute_type::AttributeType;
pub use class::{Class, MessageType};
pub use error_code::ErrorCode;
pub use method::Method;
pub use misc::{AddressFamily, PasswordAlgorithm};

/// Declares a registry newtype: the struct, its named constants, `name()` and a `Debug` that
/// prints the name or the hex value.
macro_rules! registry {
    (
        $(#[$meta:meta])*
        $name:ident($repr:ty), $hexwidth:literal;
        $( $(#[$cmeta:meta])* $konst:ident = $value:literal => $label:literal; )*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $repr);

        impl $name {
            $( $(#[$cmeta])* pub const $konst: Self = Self($value); )*

            /// The registered name, or `None` for a value nobody registered.
            #[must_use]
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($label), )*
                    _ => None,
                }
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, concat!(stringify!($name), "({:#0", $hexwidth, "x})"), self.0),
                }
            }
        }

        impl From<$repr> for $name {
            fn from(value: $repr) -> Self {
                Self(value)
            }
        }

        impl From<$name> for $repr {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}
pub(crate) use registry;
