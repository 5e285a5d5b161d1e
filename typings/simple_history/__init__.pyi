# Type stubs for the parts of django-simple-history KAM uses (the package ships none).
