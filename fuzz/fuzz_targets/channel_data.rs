#![no_main]
use floe_stun::{channel_data::ChannelData, framing::StreamFramer};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = ChannelData::parse(data) {
        let mut out = Vec::new();
        frame.encode(&mut out, true);
        assert_eq!(ChannelData::parse(&out), Ok(frame));
    }
    let mut framer = StreamFramer::new();
    framer.push(data);
    while let Ok(Some(_)) = framer.pop() {}
});
