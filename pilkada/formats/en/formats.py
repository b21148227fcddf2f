# 24-hour times with a colon (09:00), as the schedule is read alongside the Indonesian one.
TIME_FORMAT = "H:i"
