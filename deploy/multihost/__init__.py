"""Several app hosts on one machine, behind HAProxy, checked (`python -m deploy.multihost.run`)."""
