# Indonesian writes times with a full stop and two-digit hours: 09.00 (Pedoman Umum Ejaan).
TIME_FORMAT = "H.i"
