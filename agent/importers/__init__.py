"""History from other trackers, turned into Backlight segments on the
workstation (titles never leave it): ``activitywatch`` reads the export,
``command`` queues it once."""
