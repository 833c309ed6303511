#!/bin/sh
mkdir -p /opt/assets
echo asset > /opt/assets/a.txt
