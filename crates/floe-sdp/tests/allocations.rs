//! Parse allocations grow with the number of lines and sections, never with the bytes: the
//! parse borrows every line from the input and allocates only the line tables.

use floe_sdp::{Mode, ParseOptions, SessionDescription};

fn allocations(input: &str, options: ParseOptions) -> (u64, u64) {
    let info = allocation_counter::measure(|| {
        let parsed = SessionDescription::parse_with(input, options).expect("valid input");
        core::hint::black_box(&parsed);
    });
    (info.count_total, info.bytes_total)
}

fn description(lines: usize, value_len: usize, sections: usize) -> String {
    let mut s = String::from("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
    for m in 0..sections {
        s.push_str(&format!("m=audio 9 RTP/AVP 0\r\na=mid:{m}\r\n"));
        for _ in 0..lines {
            s.push_str(&format!(
                "a=x-opaque:{}\r\na=rtpmap:0 PCMU/8000\r\n",
                "v".repeat(value_len)
            ));
        }
    }
    s
}

#[test]
fn allocations_do_not_grow_with_bytes() {
    for options in [
        ParseOptions::new(Mode::Strict),
        ParseOptions::new(Mode::Lenient),
        ParseOptions::new(Mode::Lenient).check_values(true),
    ] {
        let short = allocations(&description(50, 4, 3), options);
        let long = allocations(&description(50, 4000, 3), options);
        assert_eq!(
            short, long,
            "same lines, 1000x the bytes: {short:?} vs {long:?}"
        );
    }
}

#[test]
fn allocations_grow_with_lines_at_most_logarithmically_per_section() {
    let options = ParseOptions::new(Mode::Strict);
    let (few, _) = allocations(&description(10, 8, 1), options);
    let (many, _) = allocations(&description(10_000, 8, 1), options);
    // Line tables grow by doubling: 1000x the lines costs about log2(1000) = 10 more
    // allocations, not 1000x.
    assert!(many <= few + 12, "{few} -> {many}");
    let (one, _) = allocations(&description(10, 8, 1), options);
    let (hundred, _) = allocations(&description(10, 8, 100), options);
    assert!(hundred <= one * 100, "{one} -> {hundred} for 100 sections");
}

#[test]
fn the_bench_offer_allocates_a_handful_of_times() {
    let offer = include_str!("../../../benches/data/chrome-offer.sdp");
    let (count, bytes) = allocations(offer, ParseOptions::new(Mode::Lenient));
    // 136 lines in 4 line tables: the tables grow by doubling; no per-line or per-byte
    // allocation.
    assert!(count <= 24, "{count} allocations, {bytes} bytes");
    assert!(bytes < 16 * 1024, "{count} allocations, {bytes} bytes");
    println!("chrome offer: {count} allocations, {bytes} bytes");
}

/// `to_string()` sizes its buffer once: the text is built in one buffer sized from the lines
/// and handed to the formatter in one write (it was 10 allocations, growing line by line).
#[test]
fn to_string_allocates_twice_whatever_the_size() {
    for input in [
        include_str!("../../../benches/data/chrome-offer.sdp").to_owned(),
        description(500, 40, 4),
    ] {
        let sdp = SessionDescription::parse(&input).expect("valid input");
        let info = allocation_counter::measure(|| {
            core::hint::black_box(sdp.to_string());
        });
        assert_eq!(info.count_total, 2, "{} bytes", input.len());
    }
}
