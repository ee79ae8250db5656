"""Record HTTP exchanges as vcrpy cassettes and measure the fakes against them.

    recorder = CassetteRecorder(Path("reports/cassettes/run.yaml"), secrets=target.secrets)
    session = recorder.instrument(requests.Session()); ...; recorder.save()
    differences = replay_cassette(read_cassette(Path("fixtures/cassettes/x.yaml")))

cassette.py reads and writes vcrpy's own YAML format; recorder.py records at the transport
seam with secrets filtered (filtering.py); secrets.py checks no secret is left; replay.py sends
the recorded requests to fresh fakes and compare.py lists what differs (README: `talkqa fidelity`).
"""
