<?php
require "/opt/vendor/autoload.php";
echo "hi";
