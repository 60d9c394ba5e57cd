#![no_main]
use floe_stun::channel_data::{ChannelData, ChannelRange};
use floe_stun::framing::StreamFramer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for range in [ChannelRange::Rfc8656, ChannelRange::Rfc5766] {
        if let Ok(frame) = ChannelData::parse_with(data, range) {
            let mut out = Vec::new();
            frame.encode(&mut out, true);
            assert_eq!(ChannelData::parse_with(&out, range), Ok(frame));
        }
    }
    let mut framer = StreamFramer::new();
    framer.push(data);
    while let Ok(Some(_)) = framer.pop() {}
});
