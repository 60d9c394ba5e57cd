# Sourced by .ci/run, fuzz/campaign.sh and fuzz/oss-fuzz/build.sh: the one place that says which
# libFuzzer dictionary (fuzz/dict/*.dict) and which crate go with each target. POSIX shell; no
# side effects.

# dict_for TARGET: prints the name of the target's dictionary (stun, candidate or sdp), or
# nothing for a target without one. Structure-aware targets get the dictionary of their
# protocol too: libFuzzer inserts its tokens into the `arbitrary` bytes, which still helps.
dict_for() {
  case "$1" in
    stun_* | channel_data | turn_* | nat_discovery | ice_agent) echo stun ;;
    candidate_*) echo candidate ;;
    sdp_* | offer_answer) echo sdp ;;
    *) ;;
  esac
}

# dict_args TARGET DIR: the libFuzzer flag for the target's dictionary, DIR being fuzz/dict.
dict_args() {
  _d=$(dict_for "$1")
  if [ -n "$_d" ]; then echo "-dict=$2/$_d.dict"; fi
}

# crate_of TARGET: the Floe crate the target exercises first (campaign.sh reports its coverage).
crate_of() {
  case "$1" in
    stun_* | channel_data) echo floe-stun ;;
    candidate_*) echo floe-ice-candidate ;;
    sdp_*) echo floe-sdp ;;
    turn_*) echo floe-turn ;;
    ice_agent) echo floe-ice ;;
    nat_discovery) echo floe-nat ;;
    offer_answer) echo floe-offer-answer ;;
    *) echo "?" ;;
  esac
}
